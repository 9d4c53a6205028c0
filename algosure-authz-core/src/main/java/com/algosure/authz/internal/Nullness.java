package com.algosure.authz.internal;

import org.jspecify.annotations.Nullable;

/**
 * What the nullness checker (NullAway, in the build) cannot see for itself. <b>Not API.</b>
 *
 * <p>Thread-safe (stateless).
 *
 * @since 0.1.0
 */
public final class Nullness {

  private Nullness() {}

  /**
   * The value as it is, typed non-null: for a field that is null until an earlier step sets it, read by a later step
   * that only runs once it is set. Checks nothing and costs nothing once inlined, so it may be used on a hot path;
   * every caller says in a comment which earlier step guarantees the value. The build registers this method with
   * NullAway ({@code -XepOpt:NullAway:CastToNonNullMethod}).
   *
   * @param value a value an earlier step has set
   * @param <T> its type
   * @return {@code value}
   */
  @SuppressWarnings("NullAway") // the one unchecked cast from @Nullable: each caller names the step that set it
  public static <T> T castToNonNull(@Nullable T value) {
    return value;
  }

  /**
   * A throwable's message for another exception's message: {@link Throwable#getMessage()} may be null (it is for a
   * bare {@code new IllegalArgumentException()}); then its class's simple name stands in, never "null".
   *
   * @param t a caught throwable
   * @return its message, or its class's simple name if it has none
   */
  public static String messageOf(Throwable t) {
    String m = t.getMessage();
    return m != null ? m : t.getClass().getSimpleName();
  }
}
