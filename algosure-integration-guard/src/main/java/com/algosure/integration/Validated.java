package com.algosure.integration;

import java.util.Map;
import java.util.Objects;

/**
 * A payload that passed validation: the value, and the fields the validator marks safe to audit.
 *
 * @param value the validated value
 * @param safeFields fields safe to put into the audit trail (ids, statuses; never personal data)
 * @param <T> the value's type
 * @since 0.1.0
 */
public record Validated<T>(T value, Map<String, String> safeFields) {

  /** @throws NullPointerException if a component is null */
  public Validated {
    Objects.requireNonNull(value, "value");
    safeFields = Map.copyOf(safeFields);
  }

  /**
   * @param value the value
   * @param <T> its type
   * @return a validated value without safe fields
   */
  public static <T> Validated<T> of(T value) {
    return new Validated<>(value, Map.of());
  }
}
