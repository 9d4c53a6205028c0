package com.algosure.integration.inbound;

import static com.algosure.authz.internal.Nullness.castToNonNull;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * How the {@link CallbackGuard} treats the callbacks of one provider: which tenant they belong to (fixed,
 * resolved per request, or read from the signed body), how they are verified, whether a signed timestamp is
 * required, and the payload size limit.
 *
 * <p>A tenant resolved per request ({@link Builder#tenantResolver}, from a header or a path) is only as
 * trustworthy as the signature's binding to it: the signature must be checked with that tenant's own secrets.
 * {@link Builder#build()} therefore refuses a per-request resolver with a built-in verifier that accepts the
 * same signatures for every tenant (a {@link StandardWebhooksVerifier} with a fixed secret or public key, a
 * {@link JwsCallbackVerifier}): there, one tenant's signed delivery could be replayed as another's. A tenant
 * named in the signed body ({@link Builder#tenantFromBody}) needs no such binding.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CallbackRegistration {

  private final ProviderId provider;
  private final TenantResolver tenant;
  private final CallbackVerifier verifier;
  private final Tenancy tenancy;
  private final boolean requireTimestamp;
  private final int maxPayloadBytes;

  private CallbackRegistration(Builder b) {
    this.provider = b.provider;
    this.tenant = Objects.requireNonNull(b.tenant);
    this.verifier = Objects.requireNonNull(b.verifier);
    this.tenancy = Objects.requireNonNull(b.tenancy);
    this.requireTimestamp = b.requireTimestamp == null || b.requireTimestamp;
    this.maxPayloadBytes = b.maxPayloadBytes == null ? -1 : b.maxPayloadBytes;
  }

  /**
   * @param provider the provider
   * @return a new builder
   * @throws IllegalArgumentException if the id is not valid
   */
  public static Builder builder(String provider) {
    return new Builder(ProviderId.of(provider));
  }

  /** @return the provider */
  public ProviderId provider() {
    return provider;
  }

  /** @return how the tenant is resolved */
  public TenantResolver tenantResolver() {
    return tenant;
  }

  /** @return whether the tenant is the registration's own ({@link Builder#tenant}), not one a request names */
  boolean tenantFixed() {
    return tenancy == Tenancy.FIXED;
  }

  /** @return the verifier */
  public CallbackVerifier verifier() {
    return verifier;
  }

  /** @return whether a signed timestamp is required (default true) */
  public boolean requireTimestamp() {
    return requireTimestamp;
  }

  /** @return the payload size limit, if this registration overrides the guard's */
  public Optional<Integer> maxPayloadBytes() {
    return maxPayloadBytes < 0 ? Optional.empty() : Optional.of(maxPayloadBytes);
  }

  /** @param guardLimit the guard's limit @return this registration's limit, or the guard's if it sets none */
  int maxPayloadBytesOr(int guardLimit) {
    return maxPayloadBytes < 0 ? guardLimit : maxPayloadBytes;
  }

  @Override
  public String toString() {
    return "CallbackRegistration[" + provider + ", tenant " + tenancy.description + ", " + verifier
        + ", requireTimestamp=" + requireTimestamp + "]";
  }

  /** Where the tenant comes from. */
  private enum Tenancy {
    FIXED("fixed"),
    PER_REQUEST("per request"),
    FROM_BODY("from the signed body");

    final String description;

    Tenancy(String description) {
      this.description = description;
    }
  }

  /** Builds a {@link CallbackRegistration}; the tenant and the verifier are required. Not thread-safe. */
  public static final class Builder {
    private final ProviderId provider;
    private @Nullable TenantResolver tenant;
    private @Nullable Tenancy tenancy;
    private @Nullable CallbackVerifier verifier;
    private @Nullable Boolean requireTimestamp;
    private @Nullable Integer maxPayloadBytes;

    private Builder(ProviderId provider) {
      this.provider = provider;
    }

    /**
     * @param tenant the tenant every callback of this registration belongs to
     * @return this builder
     */
    public Builder tenant(String tenant) {
      TenantId t = TenantId.of(tenant);
      Optional<TenantId> fixed = Optional.of(t);
      return tenancy(r -> fixed, Tenancy.FIXED);
    }

    /**
     * Names the tenant per callback from what the signature does not cover (a header, the path the host routes
     * on). Only a verifier that checks each callback with its tenant's own secrets makes that answer
     * trustworthy: use {@link StandardWebhooksVerifier.Builder#secretSource} (and no fixed secret or key), or a
     * verifier of your own that does; {@link #build()} refuses the built-in verifiers that accept the same
     * signatures for every tenant. When the tenant is named in the body, use {@link #tenantFromBody} instead.
     *
     * @param resolver names the tenant per callback
     * @return this builder
     * @throws IllegalStateException if a tenant was already set
     */
    public Builder tenantResolver(TenantResolver resolver) {
      return tenancy(Objects.requireNonNull(resolver, "resolver"), Tenancy.PER_REQUEST);
    }

    /**
     * Names the tenant per callback from the body alone, which the signature covers (for Standard Webhooks, JWS
     * and body-HMAC schemes), so a fixed secret for all tenants is safe: a delivery cannot be moved to another
     * tenant without breaking its signature. The function sees a copy of the body as received, before the
     * signature is checked (the check follows and rejects a forged one); it must be thread-safe, and an empty
     * answer, null or anything thrown rejects the callback ({@code TENANT_MISSING}).
     *
     * @param tenantOf reads the tenant from the raw body
     * @return this builder
     * @throws IllegalStateException if a tenant was already set
     */
    public Builder tenantFromBody(Function<byte[], Optional<TenantId>> tenantOf) {
      Objects.requireNonNull(tenantOf, "tenantOf");
      return tenancy(r -> tenantOf.apply(r.body()), Tenancy.FROM_BODY);
    }

    private Builder tenancy(TenantResolver resolver, Tenancy how) {
      if (tenant != null) {
        // set together with the tenant
        throw new IllegalStateException("tenant was already set (" + castToNonNull(tenancy).description + ")");
      }
      this.tenant = resolver;
      this.tenancy = how;
      return this;
    }

    /**
     * @param verifier how callbacks are verified
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder verifier(CallbackVerifier verifier) {
      if (this.verifier != null) {
        throw new IllegalStateException("verifier was already set");
      }
      this.verifier = Objects.requireNonNull(verifier, "verifier");
      return this;
    }

    /**
     * @param require whether a signed timestamp is required (default true); turn it off only for schemes that
     *     sign none (GitHub), where replay protection rests on the delivery-id dedupe alone, and only for the dedupe
     *     TTL: the verifier's delivery id must then be signed, or derived from what is signed
     *     ({@link Signatures#sha256Fingerprint} of the body), since an id from an unsigned header (GitHub's
     *     {@code X-GitHub-Delivery}) lets a captured delivery be replayed under a fresh id
     * @return this builder
     */
    public Builder requireTimestamp(boolean require) {
      if (requireTimestamp != null) {
        throw new IllegalStateException("requireTimestamp was already set");
      }
      this.requireTimestamp = require;
      return this;
    }

    /**
     * @param bytes the payload size limit for this provider
     * @return this builder
     */
    public Builder maxPayloadBytes(int bytes) {
      if (maxPayloadBytes != null) {
        throw new IllegalStateException("maxPayloadBytes was already set");
      }
      if (bytes < 1) {
        throw new IllegalArgumentException("maxPayloadBytes must be at least 1, was " + bytes);
      }
      this.maxPayloadBytes = bytes;
      return this;
    }

    /**
     * @return the registration
     * @throws IllegalStateException if the tenant or the verifier is missing, or the tenant is resolved per
     *     request while the verifier accepts the same signatures for every tenant
     */
    public CallbackRegistration build() {
      if (tenant == null) {
        throw new IllegalStateException("callback registration '" + provider
            + "' needs a tenant: set tenant(...), tenantFromBody(...) or tenantResolver(...)");
      }
      if (verifier == null) {
        throw new IllegalStateException("callback registration '" + provider + "' needs a verifier: set verifier(...)");
      }
      if (tenancy == Tenancy.PER_REQUEST && sameForEveryTenant(verifier)) {
        throw new IllegalStateException("callback registration '" + provider + "' resolves its tenant per request, but "
            + "its verifier (" + verifier + ") accepts the same signatures for every tenant, so one tenant's signed "
            + "delivery could be replayed as another's: read the tenant from the signed body with tenantFromBody(...), "
            + "or give each tenant its own secrets with StandardWebhooksVerifier.builder().secretSource(...) alone");
      }
      return new CallbackRegistration(this);
    }

    /** @return whether the verifier is a built-in one that does not tie a signature to the tenant */
    private static boolean sameForEveryTenant(CallbackVerifier verifier) {
      return verifier instanceof JwsCallbackVerifier
          || (verifier instanceof StandardWebhooksVerifier s && s.sameForEveryTenant());
    }
  }
}
