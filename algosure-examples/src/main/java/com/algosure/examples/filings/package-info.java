/**
 * The filings example: a Spring Boot domain service built on the Algosure SDK. Organizations of a tenant
 * prepare filings and submit them to an external authority through the integration guard; the authority calls
 * back with a signed webhook; an AI agent can draft filings under a grant; platform operators administer across
 * tenants with MFA. Everything is configured through standard Spring properties ({@code algosure.*},
 * {@code filings.*}).
 */
@NullMarked
package com.algosure.examples.filings;

import org.jspecify.annotations.NullMarked;
