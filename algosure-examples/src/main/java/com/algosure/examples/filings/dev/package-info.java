/**
 * DEVELOPMENT ONLY: the embedded development issuer (a fresh key per start, its JWKS served by the app, tokens
 * minted for the demo users on request) and the in-process stub authority. Active only when no real issuer is
 * configured; never together with one.
 */
@NullMarked
package com.algosure.examples.filings.dev;

import org.jspecify.annotations.NullMarked;
