package com.algosure.authz;

import com.algosure.authz.spi.EntitlementSource;
import com.algosure.authz.spi.Entitlements;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Gates permissions that declare a billing feature or limit. Answers are cached per tenant for a short TTL, judged on
 * each decision's own time (the decision point's clock): an answer serves a decision only while that time is less
 * than the TTL away from the time of the decision that loaded it, on either side, so neither decisions whose clock
 * reads arrive out of order nor a clock stepped back make an expired answer count again. The usage of a limit is never
 * judged on a cached answer: a permission that counts against a limit the plan lists asks the source on every decision.
 * A source that fails denies those permissions with ENTITLEMENT_UNAVAILABLE and is asked again on the next decision.
 */
final class EntitlementStage implements Stage {

  private static final Logger LOG = LoggerFactory.getLogger(EntitlementStage.class);

  /** An answer and the time (epoch milliseconds on the decision point's clock) of the decision that loaded it. */
  private record Loaded(Entitlements entitlements, long loadedAtMillis) {}

  private final EntitlementSource source;
  /** Null when the TTL is zero: every decision asks the source. Bounded in size only; freshness is judged per read. */
  private final @Nullable Cache<TenantId, Loaded> cache;
  private final long ttlMillis;

  EntitlementStage(EntitlementSource source, Duration ttl) {
    // the clock is not read here: a decision point is built even on a clock that fails (decisions fall back)
    this.source = source;
    this.ttlMillis = ttl.toMillis();
    this.cache = ttlMillis == 0 ? null : Caffeine.newBuilder().maximumSize(100_000).build();
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.ENTITLEMENT;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    PermissionDefinition def = c.definition();
    if (def.feature().isEmpty() && def.limit().isEmpty()) {
      return null;
    }
    long now = c.now().toEpochMilli();
    String limit = def.limit().orElse(null);
    Entitlements e;
    try {
      // the usage of a limit changes with every action counted against it: judged on a cached answer, a tenant one
      // short of its limit could act as often as it liked until the answer expired. So a permission with a limit asks
      // the source on every decision, unless a fresh cached plan does not list that limit at all (a deny either way)
      e = limit == null ? entitlementsOf(c.tenant(), now) : planWithoutLimitOrNull(c.tenant(), limit, now);
      if (e == null && limit != null) {
        e = currentEntitlementsOf(c.tenant(), now);
      }
    } catch (RuntimeException ex) {
      LOG.warn("entitlement source failed for tenant '{}': {}", c.tenant(), ex.getClass().getName());
      e = null;
    }
    if (e == null) {
      return Verdict.deny(ReasonCode.ENTITLEMENT_UNAVAILABLE, "entitlements of tenant '" + c.tenant()
          + "' could not be read, so '" + c.action() + "' is denied"); // a null answer is not cached
    }
    if (def.feature().isPresent() && !e.features().contains(def.feature().get())) {
      return Verdict.deny(ReasonCode.ENTITLEMENT_MISSING,
          "the plan of tenant '" + c.tenant() + "' does not include feature '" + def.feature().get() + "'");
    }
    if (limit != null) {
      Long max = e.limits().get(limit);
      if (max == null) {
        return Verdict.deny(ReasonCode.ENTITLEMENT_MISSING,
            "the plan of tenant '" + c.tenant() + "' has no limit '" + limit + "'");
      }
      long used = e.usage().getOrDefault(limit, 0L);
      if (used >= max) {
        return Verdict.deny(ReasonCode.ENTITLEMENT_LIMIT_EXCEEDED,
            "tenant '" + c.tenant() + "' has used " + used + " of " + max + " for limit '" + limit + "'");
      }
    }
    return null;
  }

  /**
   * The tenant's entitlements for a decision at {@code now}: the cached answer if it is fresh for that time, else the
   * source's (cached when not null). Reloads of one tenant are serialized, and one that finds an answer fresh for its
   * time, loaded meanwhile, takes it.
   */
  private @Nullable Entitlements entitlementsOf(TenantId tenant, long now) {
    Cache<TenantId, Loaded> loaded = cache;
    if (loaded == null) {
      return source.entitlementsOf(tenant);
    }
    Loaded hit = loaded.getIfPresent(tenant);
    if (hit != null && fresh(hit, now)) {
      return hit.entitlements();
    }
    Loaded answer = loaded.asMap().compute(tenant, (t, old) -> {
      if (old != null && fresh(old, now)) {
        return old;
      }
      Entitlements e = source.entitlementsOf(t);
      return e == null ? null : new Loaded(e, now);
    });
    return answer == null ? null : answer.entitlements();
  }

  /**
   * @return the cached answer if it is fresh for {@code now} and its plan does not list the limit (the permission is
   *     denied on it, whatever the usage), else null: the source must be asked
   */
  private @Nullable Entitlements planWithoutLimitOrNull(TenantId tenant, String limit, long now) {
    Cache<TenantId, Loaded> loaded = cache;
    Loaded hit = loaded == null ? null : loaded.getIfPresent(tenant);
    return hit != null && fresh(hit, now) && !hit.entitlements().limits().containsKey(limit) ? hit.entitlements() : null;
  }

  /** The source's answer now, which also replaces the cached one (when not null): it is the newest there is. */
  private @Nullable Entitlements currentEntitlementsOf(TenantId tenant, long now) {
    Entitlements e = source.entitlementsOf(tenant);
    Cache<TenantId, Loaded> loaded = cache;
    if (e != null && loaded != null) {
      loaded.put(tenant, new Loaded(e, now));
    }
    return e;
  }

  /** @return whether the answer is less than the TTL away from {@code now}, on either side */
  private boolean fresh(Loaded l, long now) {
    long age = Math.subtractExact(now, l.loadedAtMillis()); // a clock answering absurd times fails the stage (deny)
    return age < ttlMillis && age > -ttlMillis;
  }
}
