package com.algosure.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.integration.spi.Secret;
import com.algosure.integration.spi.SecretRef;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a validator's message that quotes the call's secrets is redacted: nothing of any secret is left. */
class ResponseValidationRedactionTest {

  private static final Secret CLIENT_ID = Secret.of(SecretRef.of("acme-mail/client-id"), "acme-client");
  private static final Secret CREDENTIAL = Secret.of(SecretRef.of("acme-mail/credential"), "acme-client:pa55-DO-NOT-LEAK");

  /**
   * Regression: the secrets were replaced one after the other, so one inside another (a client id inside the
   * credential that starts with it) was replaced first and the rest of the longer one was left in the message.
   */
  @Test
  void redactedWhenOneSecretIsInsideAnotherThenNothingOfEitherIsLeftWhateverTheirOrder() {
    String message = "field status must be 'sent', was 'acme-client:pa55-DO-NOT-LEAK'";

    for (List<Secret> secrets : List.of(List.of(CLIENT_ID, CREDENTIAL), List.of(CREDENTIAL, CLIENT_ID))) {
      assertThat(ResponseValidationStep.redacted(message, secrets))
          .isEqualTo("field status must be 'sent', was '[redacted]'");
    }
  }

  /** Regression: occurrences of a secret that overlap each other were replaced only in part. */
  @Test
  void redactedWhenOccurrencesOfASecretOverlapThenNothingOfItIsLeft() {
    Secret bordered = Secret.of(SecretRef.of("acme-mail/api-key"), "k3y-DO-NOT-LEAK-k3y");

    assertThat(ResponseValidationStep.redacted("was 'k3y-DO-NOT-LEAK-k3y-DO-NOT-LEAK-k3y'", List.of(bordered)))
        .isEqualTo("was '[redacted]'");
  }

  @Test
  void redactedWhenSecretsAreApartThenEachIsRedactedAndTheRestKept() {
    assertThat(ResponseValidationStep.redacted("id acme-client, then acme-client:pa55-DO-NOT-LEAK.", List.of(CLIENT_ID,
        CREDENTIAL))).isEqualTo("id [redacted], then [redacted].");
  }
}
