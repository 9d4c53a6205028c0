package com.algosure.examples.filings.domain;

/**
 * The authority's answer to a submission.
 *
 * @param filingId the filing's id
 * @param reference the authority's reference for it
 * @since 0.1.0
 */
public record Receipt(String filingId, String reference) {}
