package com.algosure.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that tests move by hand, so nothing waits for real time. Thread-safe.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at(Instant.parse("2026-11-23T10:00:00Z"));
 * clock.advance(Duration.ofMinutes(6));
 * }</pre>
 */
public final class MutableClock extends Clock {

  private volatile Instant now;

  private MutableClock(Instant now) {
    this.now = now;
  }

  /** @return a clock standing at this instant */
  public static MutableClock at(Instant now) {
    return new MutableClock(now);
  }

  /** Moves the clock forward (or back, with a negative duration). @return this clock */
  public MutableClock advance(Duration d) {
    now = now.plus(d);
    return this;
  }

  /** Sets the clock. @return this clock */
  public MutableClock set(Instant instant) {
    now = instant;
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public long millis() {
    return now.toEpochMilli();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is always UTC");
  }
}
