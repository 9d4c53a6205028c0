package com.algosure.authz.internal;

import org.jspecify.annotations.Nullable;

/**
 * The builders' rule that each option is set at most once, with the same message everywhere. <b>Not API.</b>
 *
 * @since 0.1.0
 */
public final class Options {

  private Options() {}

  /**
   * @param current the option's value so far, null if it was never set
   * @param option the option's name, as the builder's method is called
   * @throws IllegalStateException if the option was already set
   */
  public static void once(@Nullable Object current, String option) {
    once(current != null, option);
  }

  /**
   * @param set whether the option was already set
   * @param option the option's name, as the builder's method is called
   * @throws IllegalStateException if it was
   */
  public static void once(boolean set, String option) {
    if (set) {
      throw new IllegalStateException(option + " was already set");
    }
  }
}
