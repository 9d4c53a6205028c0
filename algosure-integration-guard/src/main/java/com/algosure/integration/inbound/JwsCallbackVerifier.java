package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.authz.internal.jose.PrivateKeyScan;
import com.algosure.authz.internal.jose.RsaKeys;
import com.algosure.authz.internal.MediaTypes;
import com.algosure.authz.internal.UntrustedText;
import com.github.benmanes.caffeine.cache.Cache;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies callbacks whose body is a compact JWS signed by the provider, with nimbus-jose-jwt against the
 * provider's public keys (a {@link JWKSet}, or a {@link JWKSource} such as a remote, cached JWKS). The
 * payload must be a JSON object; its {@code jti} claim is the delivery id and its {@code iat} claim the
 * signed timestamp (both names configurable); a JWS past its own {@code exp} or before its {@code nbf} is refused
 * (60 s of skew, on {@link Builder#clock}: refused from {@code exp} plus the skew on, accepted from {@code nbf} minus
 * the skew on). A JWS whose {@code aud} does not name this recipient ({@link Builder#audience}) is refused, and one
 * that carries an {@code aud} when no audience is configured (RFC 7519 §4.1.3). Only asymmetric algorithms are accepted (RS256, PS256 and
 * ES256 by default): never {@code none}, never HMAC with a public key. A key the provider's JWKS publishes with its
 * private half is never used, under its own {@code kid} or any other that lists it again, nor is an RSA key of fewer
 * than 2048 bits (RFC 7518 §3.3): a callback only such a key would verify is refused ({@code SIGNATURE_INVALID}).
 *
 * <p>Explicit typing (RFC 8725 §3.11): the builder requires a choice, so that another JWT the provider signs with the
 * same keys (an access token issued to anyone, an ID token) is never taken for a callback. {@link Builder#type} names
 * the media type the header's {@code typ} must carry; {@link Builder#typeNotRequired} says the provider does not type
 * its callbacks, and still refuses a {@code typ} that names another kind of token ({@code at+jwt}, {@code dpop+jwt},
 * {@code logout+jwt}, {@code oauth-authz-req+jwt}, {@code token-introspection+jwt}, {@code kb+jwt},
 * {@code entity-statement+jwt}).
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class JwsCallbackVerifier implements CallbackVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(JwsCallbackVerifier.class);

  private static final Set<JWSAlgorithm> ASYMMETRIC = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
      JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512, JWSAlgorithm.ES256,
      JWSAlgorithm.ES384, JWSAlgorithm.ES512);
  private static final int MAX_JWS_LENGTH = 1024 * 1024;
  /**
   * The {@code typ} of JWTs that are tokens of another kind, never a provider's callback, as {@link MediaTypes#ofJoseType}
   * writes them: RFC 9068 access tokens, RFC 9449 DPoP proofs, OpenID back-channel logout tokens, RFC 9101 request
   * objects, RFC 9701 introspection responses, SD-JWT key-binding JWTs, OpenID Federation entity statements.
   */
  private static final Set<String> OTHER_TOKEN_TYPES = Set.of("at+jwt", "dpop+jwt", "logout+jwt", "oauth-authz-req+jwt",
      "token-introspection+jwt", "kb+jwt", "entity-statement+jwt");
  private static final int MAX_ID_LENGTH = 255;
  /** How far the provider's clock may be from ours for {@code exp} and {@code nbf}. */
  private static final long CLOCK_SKEW_MILLIS = 60_000;
  /**
   * The largest date claim read, in seconds either side of the epoch (9999-12-31T23:59:59Z): nimbus multiplies the
   * seconds by 1000 in a {@code long}, and a larger value wraps round, "not before the end of time" to 1969.
   */
  private static final double MAX_DATE_SECONDS = 253_402_300_799d;
  /** Reads a payload exactly (duplicate members refused, decimals as sent) and writes it with its members sorted. */
  private static final ObjectMapper CONTENT = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonNodeFeature.WRITE_PROPERTIES_SORTED)
      .build();

  private final ConvertOnceKeySelector keys;
  private final Set<JWSAlgorithm> algorithms;
  private final String idClaim;
  private final String timestampClaim;
  private final @Nullable String issuer;
  /** The recipient every {@code aud} must name; null: a JWS with an {@code aud} is refused, one without accepted. */
  private final @Nullable String audience;
  /**
   * The media type the header's {@code typ} must name, lower case and without {@code application/}; null: the provider
   * does not type its callbacks, and only a {@code typ} of {@link #OTHER_TOKEN_TYPES} is refused.
   */
  private final @Nullable String type;
  /** Reads now for the JWS's own {@code exp} and {@code nbf}. */
  private final java.time.Clock clock;
  private final DefaultJWSVerifierFactory factory = new DefaultJWSVerifierFactory();

  private JwsCallbackVerifier(Builder b) {
    this.algorithms = Set.copyOf(b.algorithms.isEmpty() ? Set.of(JWSAlgorithm.RS256, JWSAlgorithm.PS256, JWSAlgorithm.ES256) : b.algorithms);
    this.clock = b.clock == null ? java.time.Clock.systemUTC() : b.clock;
    this.keys = new ConvertOnceKeySelector(algorithms, Objects.requireNonNull(b.source), clock);
    this.idClaim = b.idClaim == null ? "jti" : b.idClaim;
    this.timestampClaim = b.timestampClaim == null ? "iat" : b.timestampClaim;
    this.issuer = b.issuer;
    this.audience = b.audience;
    this.type = b.type == null ? null : MediaTypes.ofJoseType(b.type);
  }


  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Verification verify(CallbackRequest request, TenantId tenant) {
    if (request.bodySize() == 0 || request.bodySize() > MAX_JWS_LENGTH) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "the body must be a compact JWS");
    }
    JWSObject jws;
    try {
      jws = JWSObject.parse(new String(request.bodyUnsafe(), StandardCharsets.US_ASCII).trim());
    } catch (ParseException e) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "the body is not a compact JWS");
    }
    // explicit typing (RFC 8725 §3.11): another JWT the provider signs with the same key is not a callback
    com.nimbusds.jose.JOSEObjectType typ = jws.getHeader().getType();
    if (type != null) {
      if (typ == null || !type.equals(MediaTypes.ofJoseType(typ.getType()))) {
        return Verification.failed(CallbackReason.SIGNATURE_INVALID, "the JWS header 'typ' is "
            + (typ == null ? "missing" : "not the callbacks' type") + ": the registration requires '" + type + "'");
      }
    } else if (typ != null && OTHER_TOKEN_TYPES.contains(MediaTypes.ofJoseType(typ.getType()))) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "the JWS header 'typ' names another kind of token ("
          + MediaTypes.ofJoseType(typ.getType()) + "), which the provider's keys also sign, not a callback");
    }
    if (!algorithms.contains(jws.getHeader().getAlgorithm())) {
      // the header is the sender's text: cut and made printable, as a refused token's 'alg' is
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "JWS algorithm "
          + UntrustedText.printable(jws.getHeader().getAlgorithm().getName(), 32) + " is not accepted: use one of " + algorithms);
    }
    Set<String> critical = jws.getHeader().getCriticalParams();
    if (critical != null && critical.isEmpty()) {
      // RFC 7515 §4.1.11: producers MUST NOT use the empty list; nimbus's verifiers let it pass
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "the JWS header 'crit' is an empty list, which RFC"
          + " 7515 §4.1.11 forbids: the provider must omit 'crit' or sign callbacks without critical extensions");
    }
    if (critical != null) {
      // nimbus's verifiers refuse them too (RFC 7515 §4.1.11), but as a signature matching no key, which sends the
      // provider rotating keys that are fine; b64 (RFC 7797's unencoded payload) included
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "the JWS header 'crit' names "
          + UntrustedText.printable(String.join(", ", new java.util.TreeSet<>(critical)), 64)
          + ", which this verifier does not process: the provider must sign callbacks without critical extensions");
    }
    List<? extends Key> candidates;
    try {
      candidates = keys.selectJWSKeys(jws.getHeader(), null);
    } catch (UnusableKeyException e) {
      boolean leaked = e.problem().equals(ConvertOnceKeySelector.PRIVATE_KEY_PUBLISHED);
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "the provider's key that would verify this callback "
          + e.problem() + ", so anyone who " + (leaked ? "fetched" : "factors") + " it can sign with it and it is never"
          + " used: the provider must rotate it and publish " + (leaked ? "public keys only"
              : "RSA keys of " + ConvertOnceKeySelector.MIN_RSA_BITS + " bits or more"));
    } catch (KeySourceException e) {
      throw new IllegalStateException("the provider's keys could not be loaded", e);
    }
    boolean valid = false;
    for (Key key : candidates) {
      try {
        JWSVerifier verifier = factory.createJWSVerifier(jws.getHeader(), key);
        if (jws.verify(verifier)) {
          valid = true;
          break;
        }
      } catch (JOSEException | IllegalStateException e) {
        // a key of the wrong type for the header: try the next one
      }
    }
    if (!valid) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "the JWS signature matches none of the provider's keys");
    }
    // decoded once: the claims are parsed from these bytes, and they are the verified payload
    byte[] payload = jws.getPayload().toBytes();
    Map<String, Object> json;
    JWTClaimsSet claims;
    try {
      json = JSONObjectUtils.parse(new String(payload, StandardCharsets.UTF_8));
      claims = JWTClaimsSet.parse(json);
    } catch (ParseException | RuntimeException e) {
      return Verification.failed(CallbackReason.PAYLOAD_INVALID, "the JWS payload is not a JSON object");
    }
    // the JWS's own validity (RFC 7519 §4.1.4, §4.1.5): an expired or not yet valid callback is never accepted,
    // whatever the timestamp window says of its iat
    Date exp;
    Date nbf;
    try {
      exp = dateClaim(json, claims, "exp");
      nbf = dateClaim(json, claims, "nbf");
    } catch (ParseException e) {
      return Verification.failed(CallbackReason.TIMESTAMP_INVALID, "claim exp or nbf is not a date");
    }
    long now = clock.millis();
    // refused from exp plus the skew on (§4.1.4: the time must be before exp), as the access token validator does
    if (exp != null && now >= exp.getTime() + CLOCK_SKEW_MILLIS) {
      return Verification.failed(CallbackReason.TIMESTAMP_TOO_OLD, "the JWS expired at " + exp.toInstant()
          + " (claim exp), more than " + CLOCK_SKEW_MILLIS / 1000 + " s ago");
    }
    if (nbf != null && now + CLOCK_SKEW_MILLIS < nbf.getTime()) {
      return Verification.failed(CallbackReason.TIMESTAMP_IN_FUTURE, "the JWS is not valid before " + nbf.toInstant()
          + " (claim nbf), more than " + CLOCK_SKEW_MILLIS / 1000 + " s from now");
    }
    if (issuer != null && !issuer.equals(claims.getIssuer())) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, "the JWS issuer is not the provider's");
    }
    String wrongAudience = audienceProblem(json.get("aud"));
    if (wrongAudience != null) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID, wrongAudience);
    }
    Object id = claims.getClaim(idClaim);
    if (id == null || "".equals(id)) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "claim " + idClaim + " (the delivery id) is missing");
    }
    if (!(id instanceof String) || ((String) id).length() > MAX_ID_LENGTH) {
      // present, but no dedupe key: an invalid id (400), as one that is not visible ASCII is, not a missing one
      return Verification.failed(CallbackReason.DELIVERY_ID_INVALID, "claim " + idClaim + " (the delivery id) is "
          + (id instanceof String s ? s.length() + " characters" : "not a string") + ": a delivery id is a string of 1 to "
          + MAX_ID_LENGTH + " characters");
    }
    Optional<Instant> timestamp;
    try {
      Date date = dateClaim(json, claims, timestampClaim);
      timestamp = date == null ? Optional.empty() : Optional.of(date.toInstant());
    } catch (ParseException e) {
      return Verification.failed(CallbackReason.TIMESTAMP_INVALID, "claim " + timestampClaim + " is not a date");
    }
    Verification.Verified verified = new Verification.Verified((String) id, timestamp, payload, content(payload));
    // the key by its kid (public, and covered by the signature); one that cannot be recorded as it is goes unnamed
    String kid = jws.getHeader().getKeyID();
    return kid != null && !kid.isEmpty() && Verification.Verified.isKeyRef("kid:" + kid)
        ? verified.signedWith("kid:" + kid) : verified;
  }

  /**
   * RFC 7519 §4.1.3: a recipient that does not identify itself with a value of the {@code aud} present rejects the JWT.
   * Read from the payload as parsed, not with nimbus's {@code getAudience()}, which answers an {@code aud} that is
   * neither a string nor a list of strings as if there were none.
   *
   * @param aud the payload's {@code aud} as parsed, or null if absent
   * @return why the JWS is not addressed to this recipient, or null if it is (or names no audience and none is
   *     configured); never the sender's audience text
   */
  private @Nullable String audienceProblem(@Nullable Object aud) {
    if (aud == null) {
      return audience == null ? null : "the JWS names no audience (claim aud): the registration requires it to name "
          + "this recipient";
    }
    boolean strings = aud instanceof String || aud instanceof List<?> l && !l.isEmpty()
        && l.stream().allMatch(String.class::isInstance);
    if (!strings) {
      return "the JWS claim aud is not a string or a list of strings";
    }
    if (audience == null) {
      return "the JWS names its audience (claim aud), and this verifier was given none to identify itself with, so it "
          + "cannot tell a callback addressed to it from one addressed to another recipient: set audience(...) on "
          + "JwsCallbackVerifier.builder()";
    }
    boolean ours = aud instanceof List<?> l ? l.contains(audience) : audience.equals(aud);
    return ours ? null : "the JWS is addressed to another recipient (claim aud does not name this one)";
  }

  /**
   * @return the payload without its signing times ({@code iat}, {@code exp}, {@code nbf} and the timestamp claim), as
   *     canonical JSON (members sorted, numbers as sent): what a provider's retry, signed anew later under the same
   *     id, has in common with the first delivery, so the dedupe recognises it. The payload itself if it cannot be
   *     read so (nimbus has read it already, so only a duplicate member or a nesting past Jackson's limits), which
   *     only makes a resigned retry look like another payload.
   */
  private byte[] content(byte[] payload) {
    try {
      JsonNode tree = CONTENT.readTree(payload);
      if (!(tree instanceof ObjectNode claims)) {
        return payload;
      }
      claims.remove(List.of("iat", "exp", "nbf", timestampClaim));
      return CONTENT.writeValueAsBytes(claims);
    } catch (IOException | RuntimeException e) {
      return payload;
    }
  }

  /**
   * @param json the payload as parsed, its numbers as sent (the claims set holds {@code exp}, {@code nbf} and
   *     {@code iat} as dates already, wrapped round if too large)
   * @return the claim as nimbus reads a date (seconds since the epoch), or null if absent
   * @throws ParseException if it is not a date, or one past year 9999 either way, which nimbus would wrap round
   */
  private static @Nullable Date dateClaim(Map<String, Object> json, JWTClaimsSet claims, String name) throws ParseException {
    if (json.get(name) instanceof Number n && !(Math.abs(n.doubleValue()) <= MAX_DATE_SECONDS)) {
      throw new ParseException("claim " + name + " is out of range", 0);
    }
    return claims.getDateClaim(name);
  }

  @Override
  public String toString() {
    return "JwsCallbackVerifier[" + algorithms + ", id=" + idClaim + ", timestamp=" + timestampClaim + "]";
  }

  /**
   * nimbus's key selector (same matching: algorithm allowed, key type, {@code kid}), converting each JWK to
   * its Java key once per JWK instance instead of on every callback: the conversion (Base64 to
   * {@code BigInteger}, a key factory) costs about a tenth of an RS256 verification, and a key set or a
   * caching JWKS source hands out the same JWK instances until it is replaced or refreshed. Weak keys: the JWKs
   * of a replaced set, and their converted keys, can go; a rotated set brings new instances, converted afresh.
   *
   * <p>Never a candidate: a JWK published with its private parameters (anyone who fetched the set can sign with it),
   * nor the same key listed again without them under any {@code kid}, nor an RSA key of fewer than
   * {@value #MIN_RSA_BITS} bits (RFC 7518 §3.3; nimbus refuses to sign with one, not to verify: a shorter modulus can be
   * factored). When no other key is selected the selection fails with {@link UnusableKeyException}; a JWS without
   * {@code kid} is still tried with the set's other, usable keys.
   */
  static final class ConvertOnceKeySelector extends JWSVerificationKeySelector<SecurityContext> {

    /** The least RSA modulus accepted, in bits (RFC 7518 §3.3). */
    static final int MIN_RSA_BITS = RsaKeys.MIN_BITS;

    /** The {@link UnusableKeyException#problem()} of a key published with its private half. */
    static final String PRIVATE_KEY_PUBLISHED = "is published with its private part";

    private final Cache<JWK, Converted> converted = Caffeine.newBuilder().weakKeys().maximumSize(256)
        .executor(Runnable::run) // maintenance on the caller: no pool thread woken per callback
        .build();

    /** The clock on which a key's JWK {@code exp} is read (the verifier's): from then on the key is not used. */
    private final java.time.Clock clock;

    ConvertOnceKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> source, java.time.Clock clock) {
      super(algorithms, source);
      this.clock = clock;
    }

    @Override
    public List<Key> selectJWSKeys(JWSHeader header, @Nullable SecurityContext context) throws KeySourceException {
      JWKMatcher matcher = createJWKMatcher(header); // null when the algorithm is not allowed
      if (matcher == null) {
        return List.of();
      }
      PrivateKeyScan scan = new PrivateKeyScan(matcher, KeyType.forAlgorithm(header.getAlgorithm()), clock);
      List<JWK> jwks = getJWKSource().get(new JWKSelector(scan), context);
      // the public halves of the set's leaked keys, whatever their kid: the same key listed again public only proves
      // nothing either
      Set<Key> leaked = Set.of(); // a set of public keys, the rule: nothing made, no key hashed
      for (JWK p : scan.privateKeys()) {
        Key publicHalf = converted(p).leakedPublicKey();
        if (publicHalf != null) {
          if (leaked.isEmpty()) {
            leaked = new HashSet<>();
          }
          leaked.add(publicHalf);
        }
      }
      List<Key> keys = new ArrayList<>(jwks.size());
      String problem = null;
      for (JWK jwk : jwks) {
        Converted c = converted(jwk);
        if (c.problem() != null) {
          problem = problem == null ? c.problem() : problem;
          continue;
        }
        for (Key k : c.keys()) {
          if (!leaked.isEmpty() && leaked.contains(k)) {
            problem = problem == null ? PRIVATE_KEY_PUBLISHED : problem;
          } else {
            keys.add(k);
          }
        }
      }
      if (keys.isEmpty() && problem != null) {
        throw new UnusableKeyException(problem);
      }
      return keys;
    }

    private Converted converted(JWK jwk) {
      return converted.get(jwk, ConvertOnceKeySelector::convert);
    }

    /**
     * As nimbus's selector: only public keys verify. A JWK that carries its private parameters (a remote JWKS
     * publishing a whole key pair) is never used: anyone who fetched it can sign; nor is a short RSA key.
     */
    private static Converted convert(JWK jwk) {
      List<Key> out = new ArrayList<>(1);
      for (Key k : KeyConverter.toJavaKeys(List.of(jwk))) {
        if (k instanceof PublicKey || k instanceof SecretKey) {
          out.add(k);
        }
      }
      String kid = jwk.getKeyID() == null ? "(none)" : UntrustedText.printable(jwk.getKeyID(), 64);
      if (jwk.isPrivate()) {
        LOG.error("a callback JWKS publishes the private key of kid {} ({}): callbacks it would verify are refused",
            kid, jwk.getKeyType());
        Key publicHalf = out.stream().filter(PublicKey.class::isInstance).findFirst().orElse(null);
        return new Converted(List.of(), PRIVATE_KEY_PUBLISHED, publicHalf);
      }
      for (Key k : out) {
        int bits = RsaKeys.tooShortBits(k);
        if (bits > 0) {
          LOG.error("a callback JWKS publishes the RSA key of kid {} with {} bits, fewer than the {} RFC 7518 requires:"
              + " callbacks it would verify are refused", kid, bits, MIN_RSA_BITS);
          return new Converted(List.of(), "is an RSA key of " + bits + " bits, fewer than the " + MIN_RSA_BITS
              + " RFC 7518 §3.3 requires", null);
        }
      }
      return new Converted(List.copyOf(out), null, null);
    }

    /**
     * A JWK as converted: its verification keys, or why it is never used ({@code problem}) and, for one published with
     * its private half, that key's public half, which no other entry of the set may bring back.
     */
    private record Converted(List<Key> keys, @Nullable String problem, @Nullable Key leakedPublicKey) {}
  }

  /** The provider's key that would verify the JWS is never used: its private half is published, or it is too short. */
  static final class UnusableKeyException extends KeySourceException {
    private static final long serialVersionUID = 1L;

    private final String problem;

    UnusableKeyException(String problem) {
      super("the provider's key " + problem);
      this.problem = problem;
    }

    /** @return what is wrong with the key, after "the provider's key": "is published with its private part" */
    String problem() {
      return problem;
    }
  }

  /** Builds a {@link JwsCallbackVerifier}; the keys are required. Not thread-safe. */
  public static final class Builder {
    private @Nullable JWKSource<SecurityContext> source;
    private final Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
    private @Nullable String idClaim;
    private @Nullable String timestampClaim;
    private @Nullable String issuer;
    private @Nullable String audience;
    private @Nullable String type;
    private boolean typeNotRequired;
    private java.time.@Nullable Clock clock;

    private Builder() {}

    /**
     * @param keys the provider's public keys
     * @return this builder
     * @throws IllegalStateException if keys were already set
     */
    public Builder keys(JWKSet keys) {
      return keySource(new ImmutableJWKSet<>(Objects.requireNonNull(keys, "keys").toPublicJWKSet()));
    }

    /**
     * @param source where the provider's keys come from
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder keySource(JWKSource<SecurityContext> source) {
      if (this.source != null) {
        throw new IllegalStateException("keys were already set");
      }
      this.source = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * @param algorithms the accepted algorithms (default RS256, PS256, ES256)
     * @return this builder
     * @throws IllegalArgumentException if one is not an asymmetric RSA or EC algorithm
     */
    public Builder algorithms(JWSAlgorithm... algorithms) {
      for (JWSAlgorithm a : algorithms) {
        if (!ASYMMETRIC.contains(a)) {
          throw new IllegalArgumentException("JWS algorithm " + a + " is not accepted for callbacks: use RS*, PS* or ES*");
        }
        this.algorithms.add(a);
      }
      return this;
    }

    /**
     * @param claim the claim holding the delivery id (default {@code jti})
     * @return this builder
     */
    public Builder idClaim(String claim) {
      if (idClaim != null) {
        throw new IllegalStateException("idClaim was already set");
      }
      this.idClaim = Objects.requireNonNull(claim, "claim");
      return this;
    }

    /**
     * @param claim the claim holding the signed timestamp (default {@code iat})
     * @return this builder
     */
    public Builder timestampClaim(String claim) {
      if (timestampClaim != null) {
        throw new IllegalStateException("timestampClaim was already set");
      }
      this.timestampClaim = Objects.requireNonNull(claim, "claim");
      return this;
    }

    /**
     * @param issuer the {@code iss} every callback must carry (default: not checked)
     * @return this builder
     */
    public Builder issuer(String issuer) {
      if (this.issuer != null) {
        throw new IllegalStateException("issuer was already set");
      }
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /**
     * Requires every callback's {@code aud} claim to name this recipient (a string, or a list holding it): a provider
     * that signs all its customers' callbacks with one key addresses each to its recipient, and one addressed to
     * another customer, replayed here inside the window, is refused. Without it, a JWS that carries an {@code aud}
     * is refused (RFC 7519 §4.1.3: a recipient that does not identify itself with the audience rejects the JWT), and
     * one without is accepted as before.
     *
     * @param audience this recipient's identifier, as the provider puts it into {@code aud} (often the callback URL)
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if blank
     */
    public Builder audience(String audience) {
      if (this.audience != null) {
        throw new IllegalStateException("audience was already set");
      }
      if (Objects.requireNonNull(audience, "audience").isBlank()) {
        throw new IllegalArgumentException("audience must name this recipient, such as its callback URL");
      }
      this.audience = audience;
      return this;
    }

    /**
     * Requires the JWS header's {@code typ} to name this media type (RFC 8725 §3.11 explicit typing), so that
     * another JWT the provider signs with the same keys, an access token say, is never taken for a callback.
     * Compared as RFC 7515 §4.1.9 says: case ignored, {@code application/} implied.
     *
     * <p>This or {@link #typeNotRequired()} is required.
     *
     * @param type the media type, such as {@code webhook+jwt}
     * @return this builder
     * @throws IllegalStateException if already set, or {@link #typeNotRequired()} was
     * @throws IllegalArgumentException if blank
     */
    public Builder type(String type) {
      if (this.type != null) {
        throw new IllegalStateException("type was already set");
      }
      if (typeNotRequired) {
        throw new IllegalStateException("typeNotRequired() was already set: type(...) and typeNotRequired() exclude each"
            + " other");
      }
      if (Objects.requireNonNull(type, "type").isBlank()) {
        throw new IllegalArgumentException("type must name a media type, such as webhook+jwt");
      }
      this.type = type;
      return this;
    }

    /**
     * Says that the provider does not type its callbacks (no {@code typ}, or {@code JWT}), so the header's {@code typ} is
     * not required to name one type. A {@code typ} that names another kind of token the provider's keys may sign
     * ({@code at+jwt}, {@code dpop+jwt}, {@code logout+jwt}, {@code oauth-authz-req+jwt}, {@code token-introspection+jwt},
     * {@code kb+jwt}, {@code entity-statement+jwt}) is still refused. Prefer {@link #type(String)} where the provider
     * types its callbacks: an untyped JWT it signs for another use (an ID token) is told from a callback only by its
     * claims ({@link #issuer}, {@link #audience}).
     *
     * <p>This or {@link #type(String)} is required.
     *
     * @return this builder
     * @throws IllegalStateException if {@link #type(String)} was set
     */
    public Builder typeNotRequired() {
      if (type != null) {
        throw new IllegalStateException("type was already set: type(...) and typeNotRequired() exclude each other");
      }
      this.typeNotRequired = true;
      return this;
    }

    /**
     * @param clock the clock the JWS's own {@code exp} and {@code nbf} are checked on, with 60 s of skew, and a
     *     provider key's JWK {@code exp}, without skew (the key is not used from then on; default the UTC system clock;
     *     give it the guard's)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder clock(java.time.Clock clock) {
      if (this.clock != null) {
        throw new IllegalStateException("clock was already set");
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * @return the verifier
     * @throws IllegalStateException if no keys were given, or neither {@link #type(String)} nor
     *     {@link #typeNotRequired()} was chosen
     */
    public JwsCallbackVerifier build() {
      if (source == null) {
        throw new IllegalStateException("the provider's keys are required: set them with keys(JWKSet) or keySource(...)");
      }
      if (type == null && !typeNotRequired) {
        throw new IllegalStateException("the callbacks' JWS type is not chosen: set type(\"...\") to the media type the"
            + " provider puts in the JWS header 'typ' (such as webhook+jwt), so that another JWT it signs with the same"
            + " keys (an access or ID token) is never taken for a callback (RFC 8725 §3.11); or, if the provider does not"
            + " type its callbacks, typeNotRequired()");
      }
      return new JwsCallbackVerifier(this);
    }
  }
}
