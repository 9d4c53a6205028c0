package com.algosure.integration;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Parses {@code Retry-After}: delta-seconds or an HTTP date (RFC 9110 section 10.2.3); internal. */
final class RetryAfter {

  /** Longer than a day is a provider bug or an attack on our threads; cap it. */
  private static final long MAX_SECONDS = 86_400;

  private RetryAfter() {}

  static Optional<Instant> parse(String value, Instant now) {
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    boolean digits = true;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
    }
    if (digits) {
      long seconds = v.length() > 6 ? MAX_SECONDS : Math.min(Long.parseLong(v), MAX_SECONDS);
      return Optional.of(now.plusSeconds(seconds));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Instant max = now.plusSeconds(MAX_SECONDS);
      return Optional.of(at.isBefore(now) ? now : at.isAfter(max) ? max : at);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
