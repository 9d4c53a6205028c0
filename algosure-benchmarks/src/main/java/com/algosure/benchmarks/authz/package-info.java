/**
 * The decision point benchmarks: one generated authorization world ({@link
 * com.algosure.benchmarks.authz.PdpWorld}) expressed three ways, as our role catalogue and directory, as a
 * jCasbin RBAC-with-domains model and as Cedar policies, and the benchmarks that ask all three the same
 * questions.
 */
@NullMarked
package com.algosure.benchmarks.authz;

import org.jspecify.annotations.NullMarked;
