package com.algosure.examples.filings.domain;

import com.algosure.authz.AgentGrant;
import java.util.Map;
import java.util.Optional;

/**
 * The grants under which AI agents act for people, by grant id. Immutable and thread-safe.
 *
 * @param grants the grants, by id
 * @since 0.1.0
 */
public record AgentGrants(Map<String, AgentGrant> grants) {

  /** Copies the map. */
  public AgentGrants {
    grants = Map.copyOf(grants);
  }

  /** @param grantId a grant's id @return the grant, if there is one */
  public Optional<AgentGrant> find(String grantId) {
    return Optional.ofNullable(grants.get(grantId));
  }
}
