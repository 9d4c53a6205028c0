package com.algosure.integration;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON type a {@link JsonValidator} requires of a field.
 *
 * @since 0.1.0
 */
public enum JsonType {
  /** A string. */
  STRING,
  /** Any number. */
  NUMBER,
  /** An integral number. */
  INTEGER,
  /** {@code true} or {@code false}. */
  BOOLEAN,
  /** An object. */
  OBJECT,
  /** An array. */
  ARRAY,
  /** Any value but {@code null}. */
  ANY;

  boolean matches(JsonNode n) {
    switch (this) {
      case STRING:
        return n.isTextual();
      case NUMBER:
        return n.isNumber();
      case INTEGER:
        return n.isIntegralNumber();
      case BOOLEAN:
        return n.isBoolean();
      case OBJECT:
        return n.isObject();
      case ARRAY:
        return n.isArray();
      default:
        return !n.isNull() && !n.isMissingNode();
    }
  }
}
