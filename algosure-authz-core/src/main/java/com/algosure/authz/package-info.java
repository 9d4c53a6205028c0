/**
 * The authorization core: the {@link com.algosure.authz.PolicyDecisionPoint}, its requests and decisions,
 * actors, tenants, organizations and the role catalogue. Depends on {@code com.algosure.audit} and
 * {@code com.algosure.authz.spi}; never on Spring. Package-private classes are the decision stages.
 */
@NullMarked
package com.algosure.authz;

import org.jspecify.annotations.NullMarked;
