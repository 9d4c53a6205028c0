package com.algosure.integration;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.audit.AuditEvent;
import com.algosure.audit.AuditEventType;
import com.algosure.integration.spi.Secret;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Step 10 (last): the call's validator turns the provider's successful response into a value. An invalid
 * response is rejected, audited, and kept as evidence; nothing from it becomes a fact. It is handed for review
 * when the request may have changed something at the provider, else marked safe to retry
 * ({@link Escalator#reject}). A valid one becomes
 * an accepted fact, audited with the fields the validator marks safe (a value holding one of the call's secrets
 * redacted); if that audit fails under a
 * fail-closed policy the call is escalated (the provider acted, but the fact is not on record). A validator
 * that throws anything (an {@link Error} or a checked exception thrown sneakily included) or returns null
 * rejects the response.
 */
final class ResponseValidationStep implements GuardStep {

  /** What a safe field holding a secret of the call is audited and returned as. */
  static final String REDACTED = "[redacted: holds a secret of the call]";

  private final Auditor auditor;
  private final Escalator escalator;

  ResponseValidationStep(Auditor auditor, Escalator escalator) {
    this.auditor = auditor;
    this.escalator = escalator;
  }

  @Override
  public <T> IntegrationOutcome<T> apply(CallState<T> c) {
    ProviderResponse r = c.response;
    if (r == null) {
      throw new IllegalStateException("validation without a response");
    }
    String sha256 = c.responseSha256 != null ? c.responseSha256 : Payloads.sha256Hex(r.bodyUnsafe());
    Validated<T> v;
    String problem;
    try {
      v = c.call.validator().validate(r.bodyUnsafe());
      problem = v == null ? "the validator returned nothing" : null;
    } catch (InvalidPayloadException e) {
      v = null;
      // host code whose message should name the field and rule, not the value: one that quotes a value echoing the
      // call's credential must not carry it into the outcome, the review and its log line
      problem = redacted(String.valueOf(e.getMessage()), c.secrets.values());
    } catch (Exception | Error e) {
      // Host code, whose contract is that throwing anything rejects the payload: a checked exception thrown
      // sneakily, and Errors too, such as the StackOverflowError of a recursive validator on a deeply nested
      // answer. The answer is then rejected with its evidence kept; let through, the Error would make the
      // call a guard failure, although the provider answered 2xx and may have acted.
      v = null;
      problem = "the validator failed (" + e.getClass().getSimpleName() + ")";
    }
    if (v == null) {
      // every way to a null v above sets the problem
      String ref = escalator.keep(c, "REJECTED_RESPONSE", r, castToNonNull(problem));
      return escalator.reject(c, OutcomeReason.RESPONSE_INVALID,
          auditor.event(AuditEventType.INTEGRATION_REJECTED, c, "REJECTED", OutcomeReason.RESPONSE_INVALID)
              .detail("status", Text.decimal(r.status()))
              .detail("bytes", Text.decimal(r.bodySize()))
              .detail("sha256", sha256),
          ref, "the provider's response is invalid: " + problem);
    }
    AuditEvent.Builder fact = auditor.event(AuditEventType.ACCEPTED_FACT, c, "ACCEPTED", OutcomeReason.ACCEPTED)
        .detail("status", Text.decimal(r.status()))
        .detail("attempts", Text.decimal(c.attempts))
        .detail("sha256", sha256)
        .detail("consentId", c.consentId)
        .detail("decisionId", c.decision == null ? null : c.decision.decisionId());
    Map<String, String> safe = withoutSecrets(v.safeFields(), c.secrets.values());
    for (Map.Entry<String, String> f : safe.entrySet()) {
      fact.detail("field." + f.getKey(), f.getValue());
    }
    if (!auditor.emit(fact) && auditor.failClosed()) {
      return escalator.escalate(c, OutcomeReason.FACT_NOT_AUDITED, "accepted fact could not be audited", r);
    }
    return new IntegrationOutcome.Accepted<>(c.request, v.value(), c.attempts, r.status(), safe);
  }

  /**
   * @return the text with each run of characters that belongs to an occurrence of one of the secrets replaced by
   *     {@code [redacted]}: every occurrence is found in the text as given, so a secret inside another one, or
   *     occurrences that overlap, leave nothing of either behind
   */
  static String redacted(String text, Collection<Secret> secrets) {
    boolean[] hidden = null;
    for (Secret secret : secrets) {
      String value = secret.reveal();
      if (value.isEmpty()) {
        continue;
      }
      for (int at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
        if (hidden == null) {
          hidden = new boolean[text.length()];
        }
        Arrays.fill(hidden, at, at + value.length(), true);
      }
    }
    if (hidden == null) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (!hidden[i]) {
        out.append(text.charAt(i));
      } else if (i == 0 || !hidden[i - 1]) {
        out.append("[redacted]");
      }
    }
    return out.toString();
  }

  /**
   * @return the safe fields, with {@link #REDACTED} for a value that holds one of the call's secrets: a provider
   *     that echoes the credential it was sent into a field the call marks safe (an id) must not put it into the
   *     audit trail, the outcome's {@code toString} or the idempotency record; so does a value as long as a safe
   *     value is kept that ends with the start of a secret, since it may have been cut inside the secret
   */
  private static Map<String, String> withoutSecrets(Map<String, String> fields, Collection<Secret> secrets) {
    if (fields.isEmpty() || secrets.isEmpty()) {
      return fields;
    }
    Map<String, String> out = null;
    for (Map.Entry<String, String> f : fields.entrySet()) {
      for (Secret secret : secrets) {
        String value = secret.reveal();
        if (!value.isEmpty() && (f.getValue().contains(value) || endsWithStartOf(f.getValue(), value))) {
          if (out == null) {
            out = new LinkedHashMap<>(fields);
          }
          out.put(f.getKey(), REDACTED);
          break;
        }
      }
    }
    return out == null ? fields : out;
  }

  /**
   * @return whether {@code field} may have been cut inside an occurrence of {@code secret}: it is as long as
   *     {@link JsonValidator} keeps a safe value, or longer (a value it cut), and ends with the start of the secret,
   *     which a check for the whole secret misses
   */
  static boolean endsWithStartOf(String field, String secret) {
    if (field.length() < JsonValidator.SAFE_VALUE_CHARS) {
      return false;
    }
    for (int k = Math.min(secret.length() - 1, field.length()); k >= 1; k--) {
      if (field.regionMatches(field.length() - k, secret, 0, k)) {
        return true;
      }
    }
    return false;
  }
}
