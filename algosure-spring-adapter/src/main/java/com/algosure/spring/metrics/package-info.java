/**
 * Micrometer metrics for decisions, refused tokens and integration outcomes. Depends on Micrometer, which
 * the host provides.
 */
@NullMarked
package com.algosure.spring.metrics;

import org.jspecify.annotations.NullMarked;
