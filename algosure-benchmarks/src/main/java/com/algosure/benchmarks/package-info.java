/**
 * JMH benchmarks of the Algosure SDK, each measured in the same run as the peer library a user would pick
 * instead, and the fixtures that make the peers' policies equivalent to ours. Not an API: this module is
 * never installed or deployed.
 */
@NullMarked
package com.algosure.benchmarks;

import org.jspecify.annotations.NullMarked;
