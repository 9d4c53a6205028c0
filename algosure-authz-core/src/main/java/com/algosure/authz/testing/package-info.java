/**
 * Decision test tables: a host writes its expectations as data (request → expected effect and reason) next
 * to its role catalogue and checks them all against its decision point in one line. Depends only on the
 * public API of {@code com.algosure.authz}; no test framework is needed (mismatches throw
 * {@link java.lang.AssertionError}).
 */
@NullMarked
package com.algosure.authz.testing;

import org.jspecify.annotations.NullMarked;
