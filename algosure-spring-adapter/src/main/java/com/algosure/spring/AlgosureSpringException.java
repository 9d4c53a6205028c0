package com.algosure.spring;

/**
 * The base of every exception the Spring adapter throws. Messages say what was wrong, where, and what to
 * do; they never carry a token, a secret or a signature.
 *
 * @since 0.1.0
 */
public class AlgosureSpringException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** @param message what was wrong, where, and what to do */
  public AlgosureSpringException(String message) {
    super(message);
  }

  /** @param message what was wrong, where, and what to do @param cause the underlying failure */
  public AlgosureSpringException(String message, Throwable cause) {
    super(message, cause);
  }
}
