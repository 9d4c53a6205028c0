/**
 * The filings HTTP API: thin controllers over the filings service, the authority's callback endpoint (verified by
 * the callback guard), and the problem responses of the example's own refusals.
 */
@NullMarked
package com.algosure.examples.filings.web;

import org.jspecify.annotations.NullMarked;
