package com.algosure.authz.token;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks the JSON types and ranges of the registered claims that nimbus would otherwise read leniently, on the
 * payload as parsed and before any of them is used: the NumericDates {@code exp}, {@code nbf} and {@code iat}
 * (nimbus multiplies the seconds by 1000 and overflows, so {@code "iat": 9223372036854776} became a date in 1970 and
 * passed), {@code aud} (a {@code null} member failed later with a {@code NullPointerException}) and {@code sub}
 * (nimbus turns a number into its text, so {@code 12345678901234567890} and {@code 12345678901234567891} were one
 * user, {@code "1.2345678901234567E19"}); and the confirmation claim {@code cnf} (RFC 7800), which must be an object
 * for the validator to tell what binds a sender-constrained token.
 */
final class RegisteredClaims {

  /** 9999-12-31T23:59:59Z: the last NumericDate accepted, so that every accepted one is a {@code java.time} date. */
  static final long MAX_NUMERIC_DATE = 253_402_300_799L;

  private static final List<String> NUMERIC_DATES = List.of("exp", "nbf", "iat");

  private RegisteredClaims() {}

  /**
   * @param payload the token's payload as a JSON object
   * @throws TokenRejectedException ({@link TokenRejectionReason#MALFORMED}) naming the claim that is of the wrong
   *     type or out of range
   */
  static void requireWellTyped(Map<String, Object> payload) {
    for (String name : NUMERIC_DATES) {
      requireNumericDate(name, payload.get(name));
    }
    requireAudience(payload.get("aud"));
    requireSubject(payload.get("sub"));
    requireConfirmation(payload.get("cnf"));
    actingParty(payload.get("act"));
  }

  /**
   * The current actor of an RFC 8693 delegation token. {@code act} (RFC 8693 §4.1) is a JSON object naming the party
   * acting for the subject by a string {@code sub} (and, if it says, a string {@code iss}); an {@code act} nested in
   * it names a prior actor, and is checked the same way, to any depth (a loop: no recursion to exhaust).
   *
   * @param act the claim's value
   * @return the current actor's {@code sub}; null without {@code act}
   * @throws TokenRejectedException ({@link TokenRejectionReason#MALFORMED}) if {@code act} or a nested one is not so
   */
  static @Nullable String actingParty(@Nullable Object act) {
    String current = null;
    int depth = 0;
    for (Object a = act; a != null; depth++) {
      String which = depth == 0 ? "claim 'act'" : "the 'act' nested " + depth + " deep in claim 'act'";
      if (!(a instanceof Map<?, ?> actor)) {
        throw malformed(which + " (the acting party, RFC 8693) must be a JSON object");
      }
      if (!(actor.get("sub") instanceof String sub)) {
        throw malformed(which + " (the acting party, RFC 8693) must name the party by a string 'sub'");
      }
      Object iss = actor.get("iss");
      if (iss != null && !(iss instanceof String)) {
        throw malformed(which + " (the acting party, RFC 8693) has an 'iss' that is not a string");
      }
      if (current == null) {
        current = sub;
      }
      a = actor.get("act");
    }
    return current;
  }

  /** {@code cnf} (RFC 7800 §3.1) is a JSON object; the thumbprints RFC 8705 and RFC 9449 put in it are strings. */
  private static void requireConfirmation(@Nullable Object value) {
    if (value == null) {
      return;
    }
    if (!(value instanceof Map<?, ?> methods)) {
      throw malformed("claim 'cnf' (confirmation, RFC 7800) must be a JSON object naming how the token is bound to"
          + " its holder");
    }
    for (String thumbprint : List.of("x5t#S256", "jkt")) {
      Object t = methods.get(thumbprint);
      if (t != null && !(t instanceof String)) {
        throw malformed("claim 'cnf' member '" + thumbprint + "' must be a string (a base64url thumbprint)");
      }
    }
  }

  private static void requireSubject(@Nullable Object value) {
    if (value != null && !(value instanceof String)) {
      throw malformed("claim 'sub' must be a string (RFC 7519 §4.1.2: a StringOrURI); a number is no subject id, and"
          + " large ones lose digits; configure the issuer to send the subject as a string");
    }
  }

  private static void requireNumericDate(String name, @Nullable Object value) {
    if (value == null) {
      return; // absent: exp is required, and its absence is reported as such later
    }
    if (!(value instanceof Number n)) {
      throw malformed("claim '" + name + "' must be a NumericDate: a JSON number of seconds since 1970-01-01T00:00:00Z");
    }
    boolean inRange;
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      long seconds = n.longValue();
      inRange = seconds >= 0 && seconds <= MAX_NUMERIC_DATE;
    } else {
      double seconds = n.doubleValue();
      inRange = seconds >= 0 && seconds <= MAX_NUMERIC_DATE; // false for NaN
    }
    if (!inRange) {
      throw malformed("claim '" + name + "' is outside the range of dates accepted (0 to " + MAX_NUMERIC_DATE
          + " seconds: 1970 to the end of the year 9999); check the issuer's clock and token settings");
    }
  }

  private static void requireAudience(@Nullable Object value) {
    if (value == null || value instanceof String) {
      return; // absent: reported as a missing audience later
    }
    if (!(value instanceof List<?> members)) {
      throw malformed("claim 'aud' must be a string or an array of strings");
    }
    for (int i = 0; i < members.size(); i++) {
      if (!(members.get(i) instanceof String)) {
        throw malformed("claim 'aud' must be a string or an array of strings, but its member " + i + " is "
            + (members.get(i) == null ? "null" : "not a string"));
      }
    }
  }

  private static TokenRejectedException malformed(String problem) {
    return new TokenRejectedException(TokenRejectionReason.MALFORMED, problem);
  }
}
