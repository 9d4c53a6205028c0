package com.algosure.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

  /** The rule as it was written before the table look-up replaced the regex. */
  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9._:@/\\-]{1,128}");

  @Test
  void validWhenAnySingleCharacterThenAgreesWithTheRegexRule() {
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      String s = "a" + (char) c + "b";
      assertThat(Identifiers.valid(s)).as("U+%04X", c).isEqualTo(RULE.matcher(s).matches());
    }
  }

  @Test
  void validWhenLengthAtTheBoundsThenOneTo128Characters() {
    assertThat(Identifiers.valid("")).isFalse();
    assertThat(Identifiers.valid("x")).isTrue();
    assertThat(Identifiers.valid("x".repeat(128))).isTrue();
    assertThat(Identifiers.valid("x".repeat(129))).isFalse();
  }

  @Test
  void validWhenRandomStringsThenAgreesWithTheRegexRule() {
    Random random = new Random(5);
    String alphabet = "aZ09._:@/-+ \u00e9\u0000\u200b";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder s = new StringBuilder();
      int n = random.nextInt(132);
      for (int k = 0; k < n; k++) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      assertThat(Identifiers.valid(s.toString())).as(s.toString()).isEqualTo(RULE.matcher(s).matches());
    }
  }

  @Test
  void requireWhenInvalidThenMessageNamesTheKindAndTheRule() {
    assertThatThrownBy(() -> TenantId.of("acme corp"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant id 'acme corp' is not valid: use 1 to 128 letters, digits or . _ - : @ /");
  }

  @Test
  void requireWhenValueHasLineSeparatorsBidiOverridesOrC1ControlsThenTheMessageCarriesNoneOfThem() {
    // U+2028 starts a new line in many log viewers; U+202E reverses the text after it; U+0085 is NEXT LINE
    assertThatThrownBy(() -> TenantId.of("acme\u2028FAKE LOG LINE\u202e\u0085\u2066x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tenant id 'acme?FAKE LOG LINE???x' is not valid: use 1 to 128 letters, digits or . _ - : @ /");
  }

  @Test
  void idTypesWhenComparedThenEqualByValueOnlyWithinTheirType() {
    assertThat(TenantId.of("acme")).isEqualTo(TenantId.of(new String("acme"))).hasSameHashCodeAs(TenantId.of(new String("acme")))
        .isNotEqualTo(TenantId.of("acme2")).isNotEqualTo(OrganizationId.of("acme")).isNotEqualTo("acme");
    assertThat(OrganizationId.of("sales")).isEqualTo(OrganizationId.of(new String("sales"))).hasSameHashCodeAs(OrganizationId.of(new String("sales")))
        .isNotEqualTo(OrganizationId.of("sales2")).isNotEqualTo(TenantId.of("sales"));
    assertThat(Permission.of("filings:read")).isEqualTo(Permission.of(new String("filings:read")))
        .hasSameHashCodeAs(Permission.of(new String("filings:read"))).isNotEqualTo(Permission.of("filings:write")).isNotEqualTo(Role.of("filings:read"));
    assertThat(Role.of("clerk")).isEqualTo(Role.of(new String("clerk"))).hasSameHashCodeAs(Role.of(new String("clerk")))
        .isNotEqualTo(Role.of("clerk2")).isNotEqualTo(Permission.of("clerk")).isNotEqualTo(null);
  }
}
