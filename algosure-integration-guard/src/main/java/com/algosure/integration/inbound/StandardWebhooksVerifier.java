package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies callbacks signed as the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>
 * specification says: headers {@code webhook-id}, {@code webhook-timestamp} (seconds) and
 * {@code webhook-signature}, a space-separated list of {@code v1,<base64 HMAC-SHA256>} and
 * {@code v1a,<base64 Ed25519>} signatures over {@code <id>.<timestamp>.<body>}, the body as received.
 *
 * <ul>
 *   <li>{@code v1}: symmetric secrets {@code whsec_<base64>} of at least 24 bytes, as the specification asks;
 *       several can be active at once (rotation), fixed or per tenant ({@link WebhookSecrets}); a fixed secret kept
 *       for a rotation can be given the instant it stops verifying ({@link Builder#secret(Secret, Instant)}, on
 *       {@link Builder#clock});
 *   <li>{@code v1a}: Ed25519 public keys {@code whpk_<base64 of the 32-byte key>}, several at once; a key kept for a
 *       rotation can be given the instant it stops verifying ({@link Builder#publicKey(String, Instant)}, on
 *       {@link Builder#clock}).
 * </ul>
 *
 * <p>A callback is authentic when any listed signature matches any active secret or key; comparisons are
 * constant-time. The verification names the secret (by its {@link com.algosure.integration.spi.SecretRef}) or the
 * public key ({@code whpk_<base64>}) of the first listed signature that matches, which the guard audits as
 * {@code keyRef}. A {@code webhook-id} with a {@code .} is refused ({@code DELIVERY_ID_INVALID}): the signed
 * content would not say where the id ends and the timestamp begins. The timestamp window is the {@link CallbackGuard}'s job (it checks both directions).
 *
 * <p>Immutable and thread-safe; its {@code toString} shows counts, never secrets.
 *
 * @since 0.1.0
 */
public final class StandardWebhooksVerifier implements CallbackVerifier {

  private static final Logger LOG = LoggerFactory.getLogger(StandardWebhooksVerifier.class);

  /** More signatures than this in one header is not a rotation but an attempt to burn our CPU. */
  private static final int MAX_SIGNATURES = 16;
  private static final int MAX_ID_LENGTH = 255;
  /** The specification's minimum: "Random. At least 24 bytes (192 bits)". */
  private static final int MIN_SECRET_BYTES = 24;

  private final List<byte[]> secrets;
  /**
   * The instant (epoch milliseconds) from which each of {@link #secrets}, in the same order, no longer verifies;
   * {@link Long#MAX_VALUE} for one without; null if none has one (nothing read from the clock).
   */
  private final long @Nullable [] notAfter;
  private final java.time.Clock clock;
  /** The references of {@link #secrets}, in the same order: what the audit names a matching secret by. */
  private final List<String> secretRefs;
  private final @Nullable WebhookSecrets secretSource;
  private final List<Ed25519PublicKeyParameters> publicKeys;
  /**
   * The instant (epoch milliseconds) from which each of {@link #publicKeys}, in the same order, no longer verifies;
   * {@link Long#MAX_VALUE} for one without; null if none has one (nothing read from the clock).
   */
  private final long @Nullable [] publicKeyNotAfter;
  /** {@code whpk_<base64>} of each of {@link #publicKeys}, in the same order (public, so safe to audit). */
  private final List<String> publicKeyRefs;
  /**
   * One {@code Mac} per fixed secret and thread, keyed once: looking a {@code Mac} up and keying it costs more
   * than the HMAC of a kilobyte. Each is used by its thread only, and only within one {@link #verify} call.
   */
  private final ThreadLocal<Mac[]> macs;

  private StandardWebhooksVerifier(Builder b) {
    this.secrets = List.copyOf(b.secrets);
    this.notAfter = notAfter(b.notAfter);
    this.publicKeyNotAfter = notAfter(b.publicKeyNotAfter);
    this.clock = b.clock == null ? java.time.Clock.systemUTC() : b.clock;
    this.secretRefs = List.copyOf(b.secretRefs);
    this.secretSource = b.secretSource;
    this.publicKeys = List.copyOf(b.publicKeys);
    List<String> whpk = new ArrayList<>(publicKeys.size());
    for (Ed25519PublicKeyParameters k : publicKeys) {
      whpk.add("whpk_" + Base64.getEncoder().encodeToString(k.getEncoded()));
    }
    this.publicKeyRefs = List.copyOf(whpk);
    List<byte[]> keys = this.secrets;
    this.macs = ThreadLocal.withInitial(() -> {
      Mac[] m = new Mac[keys.size()];
      for (int i = 0; i < m.length; i++) {
        m[i] = Signatures.newHmacSha256(keys.get(i));
      }
      return m;
    });
  }

  /** @return the not-afters as an array, or null if none is set (nothing then reads the clock) */
  private static long @Nullable [] notAfter(List<Long> all) {
    long[] until = new long[all.size()];
    boolean expiring = false;
    for (int i = 0; i < until.length; i++) {
      until[i] = all.get(i);
      expiring |= until[i] != Long.MAX_VALUE;
    }
    return expiring ? until : null;
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Verification verify(CallbackRequest request, TenantId tenant) {
    String deliveryId = request.headerValue("webhook-id");
    String ts = request.headerValue("webhook-timestamp");
    String sig = request.headerValue("webhook-signature");
    if (deliveryId == null || ts == null || sig == null) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING,
          "headers webhook-id, webhook-timestamp and webhook-signature are required");
    }
    if (deliveryId.isEmpty()) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "header webhook-id is empty");
    }
    if (deliveryId.length() > MAX_ID_LENGTH) {
      // present, but no dedupe key: an invalid id (400), as one with a '.' or a space is, not a missing signature
      return Verification.failed(CallbackReason.DELIVERY_ID_INVALID, "header webhook-id is " + deliveryId.length()
          + " characters: a delivery id must be 1 to " + MAX_ID_LENGTH);
    }
    if (deliveryId.indexOf('.') >= 0) {
      // the signed content <id>.<timestamp>.<body> says where the id ends only if the id has no '.' (the spec asks
      // for none): with one, a processed delivery's signature also signs another id, a later timestamp taken from
      // its body and the rest of the body, so it could be replayed as a new delivery after its window
      return Verification.failed(CallbackReason.DELIVERY_ID_INVALID, "header webhook-id must not contain '.', which "
          + "separates it from the timestamp in the signed content");
    }
    long seconds = parseSeconds(ts);
    if (seconds < 0) {
      return Verification.failed(CallbackReason.TIMESTAMP_INVALID, "header webhook-timestamp must be a number of seconds");
    }
    byte[] prefix = signedPrefix(deliveryId, ts);
    byte[] body = request.bodyUnsafe();
    List<Secret> fromSource = List.of();
    if (secretSource != null) {
      fromSource = secretSource.secretsFor(tenant);
      if (fromSource == null) {
        throw new IllegalStateException("WebhookSecrets returned null for tenant " + tenant);
      }
    }
    byte[] @Nullable [] macs = macs(fromSource, prefix, body);
    // the header as split(" ") after trim() would cut it, without the copies: [start, end) is the trimmed text,
    // and every space ends an entry, so empty entries count towards the limit as they always did
    int start = 0;
    int end = sig.length();
    while (start < end && sig.charAt(start) <= ' ') {
      start++;
    }
    while (end > start && sig.charAt(end - 1) <= ' ') {
      end--;
    }
    int matched = -1; // the candidate (secret, then public key) of the first listed entry that matches
    int from = start;
    for (int i = 0; i < MAX_SIGNATURES; i++) {
      int space = sig.indexOf(' ', from);
      int to = space < 0 || space > end ? end : space;
      int m = matches(sig, from, to, macs, prefix, body);
      if (matched < 0) {
        matched = m;
      }
      if (to == end) {
        break;
      }
      from = to + 1;
    }
    if (matched < 0) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID,
          "no signature in header webhook-signature matches an active secret or key");
    }
    // the request's own bytes, not a copy: nothing in the guard writes to them, and nothing reads them after
    // the validator
    return new Verification.Verified(deliveryId, Optional.of(Instant.ofEpochSecond(seconds)), body, body,
        Optional.of(keyRef(matched, fromSource)));
  }

  /**
   * @return the reference of candidate {@code i}: a fixed secret's, a source's secret's (never a value), or the public
   *     key itself ({@code whpk_<base64>})
   */
  private String keyRef(int i, List<Secret> fromSource) {
    if (i < secrets.size()) {
      return secretRefs.get(i);
    }
    int j = i - secrets.size();
    return j < fromSource.size() ? fromSource.get(j).ref().name() : publicKeyRefs.get(j - fromSource.size());
  }

  /**
   * @return which candidate the entry {@code header[from, to)} ({@code <version>,<base64>}) is a valid signature of:
   *     the index of a {@code v1} secret in {@code macs}, or {@code macs.length} plus that of a {@code v1a} public key;
   *     -1 if none
   */
  private int matches(String header, int from, int to, byte[] @Nullable [] macs, byte[] prefix, byte[] body) {
    int comma = header.indexOf(',', from);
    if (comma < 0 || comma >= to) {
      return -1;
    }
    boolean v1 = comma - from == 2 && header.startsWith("v1", from);
    boolean v1a = comma - from == 3 && header.startsWith("v1a", from);
    if (!v1 && !v1a) {
      return -1;
    }
    byte[] signature = decode(header.substring(comma + 1, to));
    if (signature == null) {
      return -1;
    }
    int matched = -1;
    if (v1) {
      for (int i = 0; i < macs.length; i++) {
        // no early exit: every candidate is compared, so timing says nothing about which one matched
        byte[] mac = macs[i];
        boolean equal = mac != null && Signatures.constantTimeEquals(mac, signature);
        matched = equal && matched < 0 ? i : matched;
      }
    } else if (signature.length == 64) {
      long[] until = publicKeyNotAfter;
      long now = until == null ? 0 : clock.millis();
      for (int i = 0; i < publicKeys.size(); i++) {
        if (until != null && now >= until[i]) {
          continue; // rotated out: past its not-after it matches nothing
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, publicKeys.get(i));
        // the signer buffers the message itself, so the signed content is never concatenated here
        verifier.update(prefix, 0, prefix.length);
        verifier.update(body, 0, body.length);
        boolean valid = verifier.verifySignature(signature);
        matched = valid && matched < 0 ? macs.length + i : matched;
      }
    }
    return matched;
  }

  /**
   * @return the HMAC-SHA256 of {@code prefix + body} under every active secret: the fixed ones with this
   *     thread's {@code Mac}s, initialised once per thread and secret (null for one past its not-after); a source's
   *     with a {@code Mac} keyed per call
   */
  private byte[] @Nullable [] macs(List<Secret> fromSource, byte[] prefix, byte[] body) {
    byte[] @Nullable [] out = new byte[secrets.size() + fromSource.size()][];
    if (!secrets.isEmpty()) {
      Mac[] fixed = macs.get();
      long[] until = notAfter;
      long now = until == null ? 0 : clock.millis();
      for (int i = 0; i < fixed.length; i++) {
        if (until != null && now >= until[i]) {
          continue; // rotated out: past its not-after it matches nothing (null)
        }
        Mac mac = fixed[i];
        mac.reset(); // free when the last use ended in doFinal; a safeguard should one ever have thrown half-way
        mac.update(prefix);
        mac.update(body); // the signed content is never copied into one array
        out[i] = mac.doFinal();
      }
    }
    for (int i = 0; i < fromSource.size(); i++) {
      byte[] key;
      try {
        key = decodeSecret(fromSource.get(i));
      } catch (IllegalArgumentException e) {
        // the message is this class's own (the secret's reference and what is wrong, never the value), and the guard
        // logs no more than the exception's class: said here, or nobody learns which secret fails every callback
        LOG.warn("{}; callbacks verified with it are refused (503) until the secret source hands out a usable one",
            e.getMessage());
        throw e;
      }
      out[secrets.size() + i] = Signatures.hmacSha256(key, prefix, body);
    }
    return out;
  }

  /** @return the UTF-8 of {@code <id>.<timestamp>.}, the part of the signed content before the body */
  private static byte[] signedPrefix(String id, String ts) {
    int n = id.length() + ts.length() + 2;
    byte[] out = new byte[n];
    int p = 0;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c >= 0x80) {
        return (id + "." + ts + ".").getBytes(StandardCharsets.UTF_8); // not ASCII: let the JDK encode it
      }
      out[p++] = (byte) c;
    }
    out[p++] = '.';
    for (int i = 0; i < ts.length(); i++) {
      out[p++] = (byte) ts.charAt(i); // digits only: parseSeconds checked them
    }
    out[p] = '.';
    return out;
  }

  private static long parseSeconds(String v) {
    if (v.isEmpty() || v.length() > 12) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  private static byte @Nullable [] decode(String b64) {
    try {
      return Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static byte[] decodeSecret(Secret secret) {
    String v = secret.reveal();
    String b64 = v.startsWith("whsec_") ? v.substring("whsec_".length()) : v;
    byte[] key;
    try {
      key = Base64.getDecoder().decode(b64);
    } catch (IllegalArgumentException e) {
      // never the value: only which secret
      throw new IllegalArgumentException("webhook secret '" + secret.ref() + "' is not whsec_<base64> or base64");
    }
    if (key.length < MIN_SECRET_BYTES) {
      // a short key is guessed from one signed delivery offline, and then every callback can be forged
      throw new IllegalArgumentException("webhook secret '" + secret.ref() + "' is " + key.length + " bytes: Standard "
          + "Webhooks secrets are random and at least " + MIN_SECRET_BYTES + " bytes (192 bits); ask the provider for a new one");
    }
    return key;
  }

  /**
   * @return whether a signature it accepts for one tenant it accepts for every tenant (any fixed secret or public
   *     key), so the signature does not authenticate the tenant
   */
  boolean sameForEveryTenant() {
    return !secrets.isEmpty() || !publicKeys.isEmpty();
  }

  @Override
  public String toString() {
    return "StandardWebhooksVerifier[" + secrets.size() + " secrets" + (secretSource == null ? "" : " + per-tenant source")
        + ", " + publicKeys.size() + " Ed25519 keys]";
  }

  /**
   * Builds a {@link StandardWebhooksVerifier}. At least one secret, secret source or public key is required.
   * Not thread-safe.
   */
  public static final class Builder {
    private final List<byte[]> secrets = new ArrayList<>();
    private final List<String> secretRefs = new ArrayList<>();
    private final List<Long> notAfter = new ArrayList<>();
    private java.time.@Nullable Clock clock;
    private @Nullable WebhookSecrets secretSource;
    private final List<Ed25519PublicKeyParameters> publicKeys = new ArrayList<>();
    private final List<Long> publicKeyNotAfter = new ArrayList<>();

    private Builder() {}

    /**
     * Adds an active {@code v1} secret; add several during a rotation.
     *
     * @param secret {@code whsec_<base64>} or plain base64
     * @return this builder
     * @throws IllegalArgumentException if it is not base64, or is shorter than the specification's 24 bytes (the
     *     message names the reference, not the value)
     */
    public Builder secret(Secret secret) {
      return add(secret, Long.MAX_VALUE);
    }

    /**
     * Adds a {@code v1} secret kept for a rotation until the provider no longer signs with it: it verifies callbacks
     * received before {@code notAfter} on {@link #clock} (the guard's, given to both), and none from then on, so a
     * rotated-out secret, which may have leaked, does not sign callbacks for ever.
     *
     * @param secret {@code whsec_<base64>} or plain base64
     * @param notAfter the instant from which it no longer verifies
     * @return this builder
     * @throws IllegalArgumentException if it is not base64, or is shorter than the specification's 24 bytes (the
     *     message names the reference, not the value)
     */
    public Builder secret(Secret secret, Instant notAfter) {
      return add(secret, millis(notAfter));
    }

    private static long millis(Instant notAfter) {
      Objects.requireNonNull(notAfter, "notAfter");
      try {
        return notAfter.toEpochMilli();
      } catch (ArithmeticException e) { // past what milliseconds hold: as far as never
        return notAfter.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }

    private Builder add(Secret secret, long notAfterMillis) {
      secrets.add(decodeSecret(Objects.requireNonNull(secret, "secret")));
      secretRefs.add(secret.ref().name());
      notAfter.add(notAfterMillis);
      return this;
    }

    /**
     * @param clock the clock a secret's or public key's not-after ({@link #secret(Secret, Instant)},
     *     {@link #publicKey(String, Instant)}) is read on (default the UTC system clock; give it the guard's)
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
     * @param source the active {@code v1} secrets per tenant, asked on each verification
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder secretSource(WebhookSecrets source) {
      if (secretSource != null) {
        throw new IllegalStateException("secretSource was already set");
      }
      this.secretSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /**
     * Adds an active {@code v1a} public key.
     *
     * @param publicKey {@code whpk_<base64>} of the raw 32-byte Ed25519 key, or plain base64
     * @return this builder
     * @throws IllegalArgumentException if it is not a 32-byte key in base64
     */
    public Builder publicKey(String publicKey) {
      return addKey(decodePublicKey(publicKey), Long.MAX_VALUE);
    }

    /**
     * Adds a {@code v1a} public key kept for a rotation until the provider no longer signs with its private key: it
     * verifies callbacks received before {@code notAfter} on {@link #clock} (the guard's, given to both), and none
     * from then on, so a rotated-out key, whose private half may have leaked, does not sign callbacks for ever.
     *
     * @param publicKey {@code whpk_<base64>} of the raw 32-byte Ed25519 key, or plain base64
     * @param notAfter the instant from which it no longer verifies
     * @return this builder
     * @throws IllegalArgumentException if it is not a 32-byte key in base64
     * @since 0.1.0
     */
    public Builder publicKey(String publicKey, Instant notAfter) {
      long millis = millis(notAfter);
      return addKey(decodePublicKey(publicKey), millis);
    }

    private static byte[] decodePublicKey(String publicKey) {
      Objects.requireNonNull(publicKey, "publicKey");
      String b64 = publicKey.startsWith("whpk_") ? publicKey.substring("whpk_".length()) : publicKey;
      byte[] raw = decode(b64);
      if (raw == null || raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
        throw new IllegalArgumentException("Ed25519 public key must be whpk_ and the base64 of 32 bytes");
      }
      return raw;
    }

    /**
     * @param raw the raw 32-byte Ed25519 public key
     * @return this builder
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public Builder publicKey(byte[] raw) {
      return addKey(raw, Long.MAX_VALUE);
    }

    /**
     * Adds a raw {@code v1a} public key kept for a rotation; see {@link #publicKey(String, Instant)}.
     *
     * @param raw the raw 32-byte Ed25519 public key
     * @param notAfter the instant from which it no longer verifies, on {@link #clock}
     * @return this builder
     * @throws IllegalArgumentException if it is not 32 bytes
     * @since 0.1.0
     */
    public Builder publicKey(byte[] raw, Instant notAfter) {
      long millis = millis(notAfter);
      return addKey(raw, millis);
    }

    private Builder addKey(byte[] raw, long notAfterMillis) {
      if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
        throw new IllegalArgumentException("Ed25519 public key must be 32 bytes, was " + raw.length);
      }
      publicKeys.add(new Ed25519PublicKeyParameters(raw, 0));
      publicKeyNotAfter.add(notAfterMillis);
      return this;
    }

    /**
     * @return the verifier
     * @throws IllegalStateException if no secret, secret source or public key was given
     */
    public StandardWebhooksVerifier build() {
      if (secrets.isEmpty() && secretSource == null && publicKeys.isEmpty()) {
        throw new IllegalStateException("a Standard Webhooks verifier needs a secret(...), a secretSource(...) or a publicKey(...)");
      }
      return new StandardWebhooksVerifier(this);
    }
  }
}
