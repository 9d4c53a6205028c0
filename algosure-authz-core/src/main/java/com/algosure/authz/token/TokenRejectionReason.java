package com.algosure.authz.token;

/**
 * Why an access token was refused. Machine-readable: an adapter maps every reason to 401 Unauthorized, and
 * operators count rejections by reason.
 *
 * @since 0.1.0
 */
public enum TokenRejectionReason {
  /**
   * No token, or not a compact JWS: not exactly three parts of strict, canonical Base64URL (padding, whitespace or
   * another character in a part, an empty header or payload), bad JSON, a claim of the wrong type or out of range.
   */
  MALFORMED,
  /** The token is longer than the validator's maximum token size; nothing of it was parsed. */
  TOO_LARGE,
  /** The {@code alg} is not in the issuer's allow-list: {@code none}, an HMAC algorithm, or encrypted (JWE). */
  ALGORITHM_NOT_ALLOWED,
  /**
   * The {@code crit} header names an extension this validator does not understand, or the token uses one that must be
   * named there and is not ({@code b64: false}, RFC 7797 §6).
   */
  UNSUPPORTED_CRITICAL_HEADER,
  /**
   * The header {@code typ} or the body claim {@code typ} is not an access token's (for example an ID token), or the
   * token is sender-constrained (a {@code cnf} claim: bound to a certificate or key), not a bearer token.
   */
  WRONG_TYPE,
  /** The {@code iss} claim names an issuer the validator does not trust. */
  UNTRUSTED_ISSUER,
  /** No key of the issuer's JWKS matches the token's {@code kid} (and a refresh did not bring one). */
  UNKNOWN_KEY,
  /**
   * The issuer's JWKS could not be fetched and no keys are held within the outage grace period; or the key that
   * would verify the token is published with its private parameters, or is an RSA key of fewer than 2048 bits (RFC
   * 7518 §3.3), so it proves nothing and is never used.
   */
  JWKS_UNAVAILABLE,
  /** The signature does not verify with the issuer's key. */
  BAD_SIGNATURE,
  /** The token expired ({@code exp} plus the clock skew is past). */
  EXPIRED,
  /** The token is not valid yet: {@code nbf} or {@code iat} lies further in the future than the clock skew. */
  NOT_YET_VALID,
  /** The {@code aud} claim names none of the issuer's accepted audiences. */
  WRONG_AUDIENCE,
  /** A required claim ({@code iss}, {@code exp}, {@code aud}, {@code sub}) is absent. */
  MISSING_CLAIM,
  /** A claim is present but unusable: an invalid subject, an ambiguous trusted tenant, conflicting identity. */
  INVALID_CLAIM
}
