package com.algosure.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Mints signed tokens with the header and claims a test chooses, in one or two lines.
 *
 * <pre>{@code
 * String ok = TestTokens.accessToken(TestKeys.rsa("k1"), issuer, now).sign();
 * String idToken = TestTokens.accessToken(key, issuer, now).claim("typ", "ID").sign();
 * String alice = TestTokens.keycloak("alice", key, issuer, now).sign();   // real Keycloak payload, re-signed
 * String forged = TestTokens.hmac(publicKeyBytes).claims(payload).sign();  // HS256
 * }</pre>
 *
 * The real Keycloak payloads ({@code alice}, {@code bob}, {@code root}, {@code carol-mfa},
 * {@code alice-via-filings-api}, {@code billing-worker}, {@code alice-id-token}) are test resources under
 * {@code /keycloak/}, captured from Keycloak 26.5.6 with the realm in {@code shared/keycloak}.
 */
public final class TestTokens {

  /** The audience of the Keycloak realm's resource server, used by {@link #accessToken}. */
  public static final String AUDIENCE = "filings-api";

  private TestTokens() {}

  /**
   * An access token shaped like Keycloak's: header {@code typ: JWT} and the key's {@code kid}; claims {@code iss},
   * {@code aud} filings-api, {@code sub}, {@code typ: Bearer}, {@code azp}, {@code iat} = now, {@code exp} = now + 5
   * minutes.
   */
  public static Minter accessToken(JWK key, String issuer, Instant now) {
    return signedWith(key)
        .issuer(issuer)
        .audience(AUDIENCE)
        .subject("c2ffedce-bc99-4867-a99d-2c5f752960bf")
        .claim("typ", "Bearer")
        .claim("azp", "algosure-cli")
        .issuedAt(now)
        .expiresAt(now.plus(Duration.ofMinutes(5)));
  }

  /**
   * A real Keycloak payload from {@code /keycloak/<name>.json}, re-issued: {@code iss} replaced, {@code iat} = now,
   * {@code exp} = now + the original lifetime. Everything else as Keycloak wrote it.
   */
  public static Minter keycloak(String name, JWK key, String issuer, Instant now) {
    Map<String, Object> payload = keycloakPayload(name);
    long lifetime = ((Number) payload.get("exp")).longValue() - ((Number) payload.get("iat")).longValue();
    return signedWith(key).claims(payload).issuer(issuer).issuedAt(now).expiresAt(now.plusSeconds(lifetime));
  }

  /** @return the real Keycloak payload {@code /keycloak/<name>.json}, as a mutable JSON map */
  public static Map<String, Object> keycloakPayload(String name) {
    try (InputStream in = TestTokens.class.getResourceAsStream("/keycloak/" + name + ".json")) {
      if (in == null) {
        throw new IllegalArgumentException("no Keycloak payload /keycloak/" + name + ".json");
      }
      return new LinkedHashMap<>(JSONObjectUtils.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IOException | ParseException e) {
      throw new IllegalStateException("cannot read /keycloak/" + name + ".json", e);
    }
  }

  /** @return a minter signing with this RSA or EC key: RS256 or ES256, the key's {@code kid}, {@code typ: JWT} */
  public static Minter signedWith(JWK key) {
    if (key instanceof RSAKey rsa) {
      return new Minter(JWSAlgorithm.RS256, rsa, null).kid(key.getKeyID());
    }
    if (key instanceof ECKey ec) {
      return new Minter(JWSAlgorithm.ES256, ec, null).kid(key.getKeyID());
    }
    throw new IllegalArgumentException("an RSA or EC key pair is needed, not " + key.getKeyType());
  }

  /** @return a minter signing HS256 with this secret (at least 32 bytes), such as a public key's encoded bytes */
  public static Minter hmac(byte[] secret) {
    return new Minter(JWSAlgorithm.HS256, null, secret);
  }

  /** Chooses header and claims, then {@link #sign()} or {@link #unsigned()}. Not thread-safe. */
  public static final class Minter {
    private JWSAlgorithm alg;
    private final JWK key;
    private final byte[] secret;
    private String kid;
    private String type = "JWT";
    private JWK jwk;
    private URI jku;
    private URI x5u;
    private final Map<String, Object> critical = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();

    private Minter(JWSAlgorithm alg, JWK key, byte[] secret) {
      this.alg = alg;
      this.key = key;
      this.secret = secret;
    }

    /** Sets the header {@code alg} (the key must fit it: RSA for RS/PS, EC for ES). */
    public Minter alg(JWSAlgorithm alg) {
      this.alg = alg;
      return this;
    }

    /** Sets the header {@code kid}; null leaves it out. */
    public Minter kid(String kid) {
      this.kid = kid;
      return this;
    }

    /** Sets the header {@code typ}; null leaves it out. */
    public Minter type(String type) {
      this.type = type;
      return this;
    }

    /** Embeds a key in the header ({@code jwk}; its public half). */
    public Minter jwk(JWK jwk) {
      this.jwk = jwk.toPublicJWK();
      return this;
    }

    /** Sets the header {@code jku}. */
    public Minter jku(URI jku) {
      this.jku = jku;
      return this;
    }

    /** Sets the header {@code x5u}. */
    public Minter x5u(URI x5u) {
      this.x5u = x5u;
      return this;
    }

    /** Adds a header parameter and names it in {@code crit}. */
    public Minter critical(String name, Object value) {
      critical.put(name, value);
      return this;
    }

    /** Replaces all claims with these (JSON values; dates as epoch seconds). */
    public Minter claims(Map<String, ?> all) {
      claims.clear();
      claims.putAll(all);
      return this;
    }

    /** Sets a claim (a JSON value: String, Number, Boolean, List, Map). */
    public Minter claim(String name, Object value) {
      claims.put(name, value);
      return this;
    }

    /** Removes a claim. */
    public Minter without(String name) {
      claims.remove(name);
      return this;
    }

    /** Sets {@code iss}. */
    public Minter issuer(String issuer) {
      return claim("iss", issuer);
    }

    /** Sets {@code sub}. */
    public Minter subject(String subject) {
      return claim("sub", subject);
    }

    /** Sets {@code aud}: a string for one audience, an array for several. */
    public Minter audience(String... audiences) {
      return claim("aud", audiences.length == 1 ? audiences[0] : List.of(audiences));
    }

    /** Sets {@code exp}. */
    public Minter expiresAt(Instant exp) {
      return claim("exp", exp.getEpochSecond());
    }

    /** Sets {@code nbf}. */
    public Minter notBefore(Instant nbf) {
      return claim("nbf", nbf.getEpochSecond());
    }

    /** Sets {@code iat}. */
    public Minter issuedAt(Instant iat) {
      return claim("iat", iat.getEpochSecond());
    }

    /** @return the compact JWS */
    public String sign() {
      JWSHeader.Builder h = new JWSHeader.Builder(alg).keyID(kid);
      if (type != null) {
        h.type(new JOSEObjectType(type));
      }
      if (jwk != null) {
        h.jwk(jwk);
      }
      if (jku != null) {
        h.jwkURL(jku);
      }
      if (x5u != null) {
        h.x509CertURL(x5u);
      }
      if (!critical.isEmpty()) {
        h.criticalParams(new LinkedHashSet<>(critical.keySet()));
        critical.forEach(h::customParam);
      }
      try {
        // a raw JSON payload, so a test can also sign claims of the wrong type (an "exp" string)
        JWSObject jws = new JWSObject(h.build(), new Payload(JSONObjectUtils.toJSONString(claims)));
        jws.sign(signer());
        return jws.serialize();
      } catch (JOSEException e) {
        throw new IllegalStateException("cannot sign the test token: " + e.getMessage(), e);
      }
    }

    /** @return the same claims as an unsecured token: header {@code {"alg":"none"}}, empty signature */
    public String unsigned() {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("alg", "none");
      if (type != null) {
        header.put("typ", type);
      }
      if (kid != null) {
        header.put("kid", kid);
      }
      return Base64URL.encode(JSONObjectUtils.toJSONString(header)) + "."
          + Base64URL.encode(JSONObjectUtils.toJSONString(claims)) + ".";
    }

    private JWSSigner signer() throws JOSEException {
      if (secret != null) {
        return new MACSigner(secret);
      }
      if (key instanceof RSAKey rsa) {
        return new RSASSASigner(rsa);
      }
      return new ECDSASigner((ECKey) key);
    }
  }

  /** @return the token's parts, for tests that tamper with one */
  public static String[] parts(String token) {
    return token.split("\\.", -1);
  }
}
