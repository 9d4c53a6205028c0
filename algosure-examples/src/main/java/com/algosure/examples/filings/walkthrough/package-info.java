/**
 * The scripted walkthrough: a client that calls the running example over HTTP, step by step, and prints who
 * asked for what and what was decided, with the reason. The example's user interface; it runs only with the
 * development issuer.
 */
@NullMarked
package com.algosure.examples.filings.walkthrough;

import org.jspecify.annotations.NullMarked;
