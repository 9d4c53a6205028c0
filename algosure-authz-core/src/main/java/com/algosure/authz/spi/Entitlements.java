package com.algosure.authz.spi;

import com.algosure.authz.internal.ArraySet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A tenant's billing entitlements: the features its plan includes, its limits, and its current usage of
 * each limit. A limit with no usage entry counts as unused; a limit the plan does not list is not granted.
 *
 * <p>Immutable and thread-safe.
 *
 * @param features the features the plan includes
 * @param limits the most each limit allows
 * @param usage how much of each limit is used
 * @since 0.1.0
 */
public record Entitlements(Set<String> features, Map<String, Long> limits, Map<String, Long> usage) {

  /** @throws NullPointerException if a component is null */
  public Entitlements {
    // an array set: the entitlement stage asks contains() on every decision that needs a feature
    features = ArraySet.copyOf(Objects.requireNonNull(features, "features"));
    limits = Map.copyOf(Objects.requireNonNull(limits, "limits"));
    usage = Map.copyOf(Objects.requireNonNull(usage, "usage"));
  }

  /** @param features the features @return entitlements with those features and no limits */
  public static Entitlements features(String... features) {
    return new Entitlements(Set.of(features), Map.of(), Map.of());
  }

  /** @return no features and no limits */
  public static Entitlements none() {
    return new Entitlements(Set.of(), Map.of(), Map.of());
  }
}
