/**
 * The filings domain: filings and their states, the repository, the domain's own authorization rules (four
 * eyes, state), the approvals, the authority it submits to, and the service whose methods are authorized with
 * {@link com.algosure.spring.Authorize} and guarded with {@link com.algosure.spring.GuardedIntegration}.
 */
@NullMarked
package com.algosure.examples.filings.domain;

import org.jspecify.annotations.NullMarked;
