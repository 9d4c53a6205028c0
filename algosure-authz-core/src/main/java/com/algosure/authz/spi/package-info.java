/**
 * The service provider interfaces the host implements: directory, entitlements, approvals, domain policies
 * and attribute policies, each with an in-memory implementation for tests and examples. Whatever an SPI
 * throws or returns null makes the decision deny.
 */
@NullMarked
package com.algosure.authz.spi;

import org.jspecify.annotations.NullMarked;
