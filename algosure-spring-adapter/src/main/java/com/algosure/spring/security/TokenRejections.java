package com.algosure.spring.security;

import com.algosure.authz.token.TokenRejectedException;

/** Reads the reason code out of whatever the authenticator threw. */
final class TokenRejections {

  private TokenRejections() {}

  static String reasonOf(RuntimeException e) {
    return e instanceof TokenRejectedException t ? t.reason().name() : "TOKEN_INVALID";
  }
}
