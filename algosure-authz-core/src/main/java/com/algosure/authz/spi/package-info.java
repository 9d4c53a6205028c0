/**
 * The service provider interfaces the host implements: directory, entitlements, approvals, domain policies
 * and attribute policies. The directory, entitlements and approvals have in-memory implementations for tests and
 * examples ({@code inMemory()} factories); domain and attribute policies are functional interfaces, none by
 * default. Whatever an SPI throws or returns null makes the decision deny.
 */
@NullMarked
package com.algosure.authz.spi;

import org.jspecify.annotations.NullMarked;
