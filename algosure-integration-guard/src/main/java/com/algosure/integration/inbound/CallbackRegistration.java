package com.algosure.integration.inbound;

import com.algosure.authz.TenantId;
import com.algosure.integration.ProviderId;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * How the {@link CallbackGuard} treats the callbacks of one provider: which tenant they belong to (fixed,
 * or resolved per request), how they are verified, whether a signed timestamp is required, and the payload
 * size limit.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CallbackRegistration {

  private final ProviderId provider;
  private final TenantResolver tenant;
  private final CallbackVerifier verifier;
  private final boolean requireTimestamp;
  private final int maxPayloadBytes;

  private CallbackRegistration(Builder b) {
    this.provider = b.provider;
    this.tenant = Objects.requireNonNull(b.tenant);
    this.verifier = Objects.requireNonNull(b.verifier);
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
    return "CallbackRegistration[" + provider + ", " + verifier + ", requireTimestamp=" + requireTimestamp + "]";
  }

  /** Builds a {@link CallbackRegistration}; the tenant and the verifier are required. Not thread-safe. */
  public static final class Builder {
    private final ProviderId provider;
    private @Nullable TenantResolver tenant;
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
      return tenantResolver(r -> Optional.of(t));
    }

    /**
     * @param resolver names the tenant per callback
     * @return this builder
     * @throws IllegalStateException if a tenant was already set
     */
    public Builder tenantResolver(TenantResolver resolver) {
      if (tenant != null) {
        throw new IllegalStateException("tenant was already set");
      }
      this.tenant = Objects.requireNonNull(resolver, "resolver");
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
     *     sign none (GitHub), where replay protection rests on the delivery-id dedupe alone
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
     * @throws IllegalStateException if the tenant or the verifier is missing
     */
    public CallbackRegistration build() {
      if (tenant == null) {
        throw new IllegalStateException("callback registration '" + provider + "' needs a tenant: set tenant(...) or tenantResolver(...)");
      }
      if (verifier == null) {
        throw new IllegalStateException("callback registration '" + provider + "' needs a verifier: set verifier(...)");
      }
      return new CallbackRegistration(this);
    }
  }
}
