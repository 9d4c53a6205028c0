package com.algosure.authz.token;

/**
 * The asymmetric JWS algorithms an issuer's allow-list may hold. There is deliberately no {@code none} and no HMAC
 * ({@code HS256} …) member: an issuer that publishes public keys in a JWKS can never have its tokens verified with
 * a shared secret, so an attacker cannot sign with the public key as an HMAC secret.
 *
 * @since 0.1.0
 */
public enum SigningAlgorithm {
  /** RSASSA-PKCS1-v1_5 with SHA-256 (Keycloak's default). */
  RS256,
  /** RSASSA-PKCS1-v1_5 with SHA-384. */
  RS384,
  /** RSASSA-PKCS1-v1_5 with SHA-512. */
  RS512,
  /** RSASSA-PSS with SHA-256. */
  PS256,
  /** RSASSA-PSS with SHA-384. */
  PS384,
  /** RSASSA-PSS with SHA-512. */
  PS512,
  /** ECDSA on P-256 with SHA-256. */
  ES256,
  /** ECDSA on P-384 with SHA-384. */
  ES384,
  /** ECDSA on P-521 with SHA-512. */
  ES512
}
