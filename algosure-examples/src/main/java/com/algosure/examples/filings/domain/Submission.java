package com.algosure.examples.filings.domain;

/**
 * What the authority receives for a filing: the payload of the guarded call, fingerprinted for idempotency.
 *
 * @param filingId the filing's id
 * @param tenant the tenant
 * @param organization the organization
 * @param title the title
 * @param text the text
 * @since 0.1.0
 */
public record Submission(String filingId, String tenant, String organization, String title, String text) {}
