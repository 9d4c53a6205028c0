package com.algosure.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.Supplier;

/** Clocks for tests of what the SDK does when the host's clock fails. */
public final class Clocks {

  private Clocks() {}

  /**
   * @param instant what each reading answers: it may return null, or throw, as a host's broken clock would
   * @return a UTC clock whose every reading is {@code instant}'s answer
   */
  public static Clock answering(Supplier<Instant> instant) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return instant.get();
      }
    };
  }
}
