package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Validate inbound data: JSON answers and payloads are untrusted until the validator accepts them. */
class JsonValidatorTest {

  final JsonValidator v = JsonValidator.builder().maxBytes(200).maxDepth(4)
      .require("id", JsonType.STRING).require("/delivery/attempts", JsonType.INTEGER).safeField("id").build();

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void validateWhenFieldsArePresentAndTypedThenTheTreeAndSafeFields() {
    Validated<com.fasterxml.jackson.databind.JsonNode> ok = v.validate(b("{\"id\":\"m-1\",\"delivery\":{\"attempts\":2},\"to\":\"bob@example.com\"}"));

    assertThat(ok.value().get("id").asText()).isEqualTo("m-1");
    assertThat(ok.safeFields()).containsExactly(java.util.Map.entry("id", "m-1"));
  }

  @Test
  void validateWhenARequiredFieldIsMissingThenRejectedNamingIt() {
    assertThatThrownBy(() -> v.validate(b("{\"id\":\"m-1\"}")))
        .isInstanceOf(InvalidPayloadException.class).hasMessage("required field /delivery/attempts is missing");
  }

  @Test
  void validateWhenAFieldHasTheWrongTypeThenRejectedWithoutItsValue() {
    assertThatThrownBy(() -> v.validate(b("{\"id\":42,\"delivery\":{\"attempts\":2}}")))
        .hasMessage("field id must be STRING, was NUMBER");
  }

  @Test
  void validateWhenAnIntegerFieldHoldsAFractionThenRejected() {
    assertThatThrownBy(() -> v.validate(b("{\"id\":\"m-1\",\"delivery\":{\"attempts\":2.5}}")))
        .isInstanceOf(InvalidPayloadException.class).hasMessage("field /delivery/attempts must be INTEGER, was NUMBER");
  }

  @Test
  void validateWhenASafeFieldIsLongThenOnlyItsStartIsKept() {
    // what goes into the audit trail and the outcome is bounded, whatever the provider sends
    JsonValidator safe = JsonValidator.builder().safeField("note").build();

    Validated<com.fasterxml.jackson.databind.JsonNode> out = safe.validate(b("{\"note\":\"" + "n".repeat(300) + "\"}"));

    assertThat(out.safeFields().get("note")).isEqualTo("n".repeat(JsonValidator.SAFE_VALUE_CHARS));
    assertThat(JsonValidator.SAFE_VALUE_CHARS).isLessThan(300);
  }

  @Test
  void validateWhenNestedDeeperThanTheDefaultLimitThenRejected() {
    // the default nesting limit (32) bounds a hostile provider's deeply nested answer; a plain answer is well within it
    JsonValidator defaults = JsonValidator.builder().build();
    String deep = "{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}";
    String shallow = "{\"a\":" + "[".repeat(20) + "]".repeat(20) + "}";

    assertThatThrownBy(() -> defaults.validate(b(deep))).isInstanceOf(InvalidPayloadException.class);
    assertThat(defaults.validate(b(shallow)).value().get("a").isArray()).isTrue();
  }

  @Test
  void validateWhenOverTheSizeLimitThenRejectedBeforeParsing() {
    assertThatThrownBy(() -> v.validate(new byte[201])).hasMessage("JSON payload is 201 bytes, over the limit of 200");
  }

  @Test
  void validateWhenMalformedThenRejectedWithThePosition() {
    assertThatThrownBy(() -> v.validate(b("{\"id\": ")))
        .isInstanceOf(InvalidPayloadException.class).hasMessageStartingWith("payload is not valid JSON at line 1");
  }

  @Test
  void validateWhenAKeyIsDuplicatedThenRejectedAsAmbiguous() {
    assertThatThrownBy(() -> v.validate(b("{\"id\":\"a\",\"id\":\"b\",\"delivery\":{\"attempts\":1}}")))
        .isInstanceOf(InvalidPayloadException.class);
  }

  @Test
  void validateWhenTrailingContentFollowsThenRejected() {
    assertThatThrownBy(() -> v.validate(b("{\"id\":\"a\",\"delivery\":{\"attempts\":1}} {}")))
        .isInstanceOf(InvalidPayloadException.class);
  }

  @Test
  void validateWhenNestedTooDeepThenRejected() {
    assertThatThrownBy(() -> v.validate(b("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}}}")))
        .isInstanceOf(InvalidPayloadException.class);
  }

  /**
   * Regression: a number beyond the range of a double ({@code 1e400}) is valid JSON that Jackson reads as infinity, so
   * the validator took an infinite amount as a fact (and as a NUMBER), a value the provider never sent.
   */
  @Test
  void validateWhenANumberIsOutOfTheRangeOfADoubleThenRejected() {
    JsonValidator amount = JsonValidator.builder().require("amount", JsonType.NUMBER).build();

    for (String payload : java.util.List.of("{\"amount\":1e400}", "{\"amount\":-1E+999}",
        "{\"amount\":1,\"lines\":[{\"net\":2.5e308}]}")) {
      assertThatThrownBy(() -> amount.validate(b(payload))).as(payload)
          .isInstanceOf(InvalidPayloadException.class)
          .hasMessage("payload has a number out of the range of a double (beyond about 1.8e308), which would be read "
              + "as infinity");
    }
    assertThat(amount.validate(b("{\"amount\":1.7e308,\"tiny\":1e-400}")).value().get("amount").asDouble())
        .isEqualTo(1.7e308);
  }

  @Test
  void validateWhenTheRootIsNotAnObjectThenRejected() {
    assertThatThrownBy(() -> v.validate(b("[1,2]"))).hasMessage("payload must be a JSON object, was ARRAY");
  }

  record Message(String id) {}

  @Test
  void asMapsTheValidatedTreeToAType() {
    PayloadValidator<Message> typed = JsonValidator.builder().require("id", JsonType.STRING).build().as(Message.class);

    assertThat(typed.validate(b("{\"id\":\"m-9\"}")).value()).isEqualTo(new Message("m-9"));
    assertThatThrownBy(() -> typed.validate(b("{\"id\":\"m-9\",\"extra\":1}"))).hasMessage("payload does not map to Message");
  }

  @Test
  void builderRefusesAnOptionSetTwice() {
    assertThatThrownBy(() -> JsonValidator.builder().maxBytes(1).maxBytes(2)).hasMessage("maxBytes was already set");
    assertThatThrownBy(() -> JsonValidator.builder().require("id", JsonType.STRING).require("id", JsonType.ANY))
        .hasMessage("field id is already required");
  }
}
