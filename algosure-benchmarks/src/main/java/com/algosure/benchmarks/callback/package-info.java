/**
 * The callback benchmarks: {@code CallbackGuard.handle} of Standard Webhooks deliveries against a raw
 * HMAC-SHA256 check of the same bytes.
 */
@NullMarked
package com.algosure.benchmarks.callback;

import org.jspecify.annotations.NullMarked;
