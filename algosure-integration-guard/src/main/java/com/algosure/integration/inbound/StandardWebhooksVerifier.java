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
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.jspecify.annotations.Nullable;

/**
 * Verifies callbacks signed as the <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>
 * specification says: headers {@code webhook-id}, {@code webhook-timestamp} (seconds) and
 * {@code webhook-signature}, a space-separated list of {@code v1,<base64 HMAC-SHA256>} and
 * {@code v1a,<base64 Ed25519>} signatures over {@code <id>.<timestamp>.<body>}, the body as received.
 *
 * <ul>
 *   <li>{@code v1}: symmetric secrets {@code whsec_<base64>}; several can be active at once (rotation),
 *       fixed or per tenant ({@link WebhookSecrets});
 *   <li>{@code v1a}: Ed25519 public keys {@code whpk_<base64 of the 32-byte key>}, several at once.
 * </ul>
 *
 * <p>A callback is authentic when any listed signature matches any active secret or key; comparisons are
 * constant-time. The timestamp window is the {@link CallbackGuard}'s job (it checks both directions).
 *
 * <p>Immutable and thread-safe; its {@code toString} shows counts, never secrets.
 *
 * @since 0.1.0
 */
public final class StandardWebhooksVerifier implements CallbackVerifier {

  /** More signatures than this in one header is not a rotation but an attempt to burn our CPU. */
  private static final int MAX_SIGNATURES = 16;
  private static final int MAX_ID_LENGTH = 255;

  private final List<byte[]> secrets;
  private final @Nullable WebhookSecrets secretSource;
  private final List<Ed25519PublicKeyParameters> publicKeys;

  private StandardWebhooksVerifier(Builder b) {
    this.secrets = List.copyOf(b.secrets);
    this.secretSource = b.secretSource;
    this.publicKeys = List.copyOf(b.publicKeys);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Verification verify(CallbackRequest request, TenantId tenant) {
    Optional<String> id = request.header("webhook-id");
    Optional<String> ts = request.header("webhook-timestamp");
    Optional<String> sig = request.header("webhook-signature");
    if (id.isEmpty() || ts.isEmpty() || sig.isEmpty()) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING,
          "headers webhook-id, webhook-timestamp and webhook-signature are required");
    }
    String deliveryId = id.get();
    if (deliveryId.isEmpty() || deliveryId.length() > MAX_ID_LENGTH) {
      return Verification.failed(CallbackReason.SIGNATURE_MISSING, "header webhook-id must be 1 to " + MAX_ID_LENGTH + " characters");
    }
    long seconds = parseSeconds(ts.get());
    if (seconds < 0) {
      return Verification.failed(CallbackReason.TIMESTAMP_INVALID, "header webhook-timestamp must be a number of seconds");
    }
    byte[] content = concat((deliveryId + "." + ts.get() + ".").getBytes(StandardCharsets.UTF_8), request.bodyUnsafe());
    List<byte[]> keys = activeSecrets(tenant);
    List<byte[]> macs = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      macs.add(Signatures.hmacSha256(k, content));
    }
    String[] entries = sig.get().trim().split(" ");
    boolean matched = false;
    for (int i = 0; i < entries.length && i < MAX_SIGNATURES; i++) {
      String entry = entries[i];
      int comma = entry.indexOf(',');
      if (comma < 0) {
        continue;
      }
      String version = entry.substring(0, comma);
      byte[] signature = decode(entry.substring(comma + 1));
      if (signature == null) {
        continue;
      }
      if (version.equals("v1")) {
        for (byte[] mac : macs) {
          // no early exit: every candidate is compared, so timing says nothing about which one matched
          matched |= Signatures.constantTimeEquals(mac, signature);
        }
      } else if (version.equals("v1a") && signature.length == 64) {
        for (Ed25519PublicKeyParameters key : publicKeys) {
          Ed25519Signer verifier = new Ed25519Signer();
          verifier.init(false, key);
          verifier.update(content, 0, content.length);
          matched |= verifier.verifySignature(signature);
        }
      }
    }
    if (!matched) {
      return Verification.failed(CallbackReason.SIGNATURE_INVALID,
          "no signature in header webhook-signature matches an active secret or key");
    }
    return Verification.verified(deliveryId, Optional.of(Instant.ofEpochSecond(seconds)), request.body());
  }

  private List<byte[]> activeSecrets(TenantId tenant) {
    if (secretSource == null) {
      return secrets;
    }
    List<Secret> fromSource = secretSource.secretsFor(tenant);
    if (fromSource == null) {
      throw new IllegalStateException("WebhookSecrets returned null for tenant " + tenant);
    }
    List<byte[]> all = new ArrayList<>(secrets);
    for (Secret s : fromSource) {
      all.add(decodeSecret(s));
    }
    return all;
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

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] decodeSecret(Secret secret) {
    String v = secret.reveal();
    String b64 = v.startsWith("whsec_") ? v.substring("whsec_".length()) : v;
    try {
      byte[] key = Base64.getDecoder().decode(b64);
      if (key.length == 0) {
        throw new IllegalArgumentException("empty");
      }
      return key;
    } catch (IllegalArgumentException e) {
      // never the value: only which secret
      throw new IllegalArgumentException("webhook secret '" + secret.ref() + "' is not whsec_<base64> or base64");
    }
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
    private @Nullable WebhookSecrets secretSource;
    private final List<Ed25519PublicKeyParameters> publicKeys = new ArrayList<>();

    private Builder() {}

    /**
     * Adds an active {@code v1} secret; add several during a rotation.
     *
     * @param secret {@code whsec_<base64>} or plain base64
     * @return this builder
     * @throws IllegalArgumentException if it is not base64 (the message names the reference, not the value)
     */
    public Builder secret(Secret secret) {
      secrets.add(decodeSecret(Objects.requireNonNull(secret, "secret")));
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
      Objects.requireNonNull(publicKey, "publicKey");
      String b64 = publicKey.startsWith("whpk_") ? publicKey.substring("whpk_".length()) : publicKey;
      byte[] raw = decode(b64);
      if (raw == null || raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
        throw new IllegalArgumentException("Ed25519 public key must be whpk_ and the base64 of 32 bytes");
      }
      return publicKey(raw);
    }

    /**
     * @param raw the raw 32-byte Ed25519 public key
     * @return this builder
     * @throws IllegalArgumentException if it is not 32 bytes
     */
    public Builder publicKey(byte[] raw) {
      if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
        throw new IllegalArgumentException("Ed25519 public key must be 32 bytes, was " + raw.length);
      }
      publicKeys.add(new Ed25519PublicKeyParameters(raw, 0));
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
