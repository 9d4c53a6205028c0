package com.algosure.authz;

import com.algosure.authz.spi.EntitlementSource;
import com.algosure.authz.spi.Entitlements;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Gates permissions that declare a billing feature or limit. Answers are cached per tenant for a short TTL
 * (on the decision point's clock); a source that fails denies those permissions with
 * ENTITLEMENT_UNAVAILABLE and is asked again on the next decision.
 */
final class EntitlementStage implements Stage {

  private static final Logger LOG = LoggerFactory.getLogger(EntitlementStage.class);

  private final Cache<TenantId, Entitlements> cache;
  private final Function<TenantId, Entitlements> load;
  /**
   * The cache's ticker, in epoch milliseconds on the decision point's clock: the time of the latest decision to
   * ask it (each decision reads its clock once, for its timestamp), so the cache reads no clock of its own.
   * Decisions on several threads may publish out of order by the time between their clock reads, which moves
   * a 30-second expiry by as much. Written only when it changes; zero until the first decision, which publishes
   * before it touches the cache.
   */
  private volatile long tickerMillis;

  EntitlementStage(EntitlementSource source, Duration ttl) {
    // the clock is not read here: a decision point is built even on a clock that fails (decisions fall back)
    this.cache = Caffeine.newBuilder()
        .expireAfterWrite(ttl)
        .maximumSize(100_000)
        .ticker(() -> tickerMillis * 1_000_000L)
        .build();
    this.load = source::entitlementsOf;
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
    if (now != tickerMillis) {
      tickerMillis = now;
    }
    Entitlements e;
    try {
      e = cache.get(c.tenant(), load); // a null answer is not cached and reads as unavailable
    } catch (RuntimeException ex) {
      LOG.warn("entitlement source failed for tenant '{}': {}", c.tenant(), ex.getClass().getName());
      e = null;
    }
    if (e == null) {
      return Verdict.deny(ReasonCode.ENTITLEMENT_UNAVAILABLE, "entitlements of tenant '" + c.tenant()
          + "' could not be read, so '" + c.action() + "' is denied");
    }
    if (def.feature().isPresent() && !e.features().contains(def.feature().get())) {
      return Verdict.deny(ReasonCode.ENTITLEMENT_MISSING,
          "the plan of tenant '" + c.tenant() + "' does not include feature '" + def.feature().get() + "'");
    }
    if (def.limit().isPresent()) {
      String limit = def.limit().get();
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
}
