package com.algosure.authz;

import java.util.Objects;

/**
 * An authenticated actor: a person, a service account, or an AI agent acting for a person.
 *
 * <p>An actor is what authentication established; it carries {@link IdentitySignals} (role signals,
 * hints, MFA evidence) but no authority of its own: every permission is decided by the
 * {@link PolicyDecisionPoint} against the directory, the role catalogue and the domain's policy.
 *
 * <p>All implementations are immutable records and thread-safe.
 *
 * @since 0.1.0
 */
public sealed interface Actor permits Actor.User, Actor.ServiceAccount, Actor.Agent {

  /** @return the subject id under which the directory knows this actor */
  String id();

  /** @return what the actor's credential says about it */
  IdentitySignals signals();

  /**
   * A user with no signals, for tests and programmatic callers.
   *
   * @param id the subject id
   * @return the user
   */
  static User user(String id) {
    return new User(id, IdentitySignals.none());
  }

  /**
   * A user.
   *
   * @param id the subject id
   * @param signals what the user's credential says
   * @return the user
   */
  static User user(String id, IdentitySignals signals) {
    return new User(id, signals);
  }

  /**
   * A service account.
   *
   * @param clientId the client id of the service account
   * @param signals what the service account's credential says
   * @return the service account
   */
  static ServiceAccount serviceAccount(String clientId, IdentitySignals signals) {
    return new ServiceAccount(clientId, signals);
  }

  /**
   * An AI agent acting for a user under a grant.
   *
   * @param agentId the agent's id
   * @param onBehalfOf the user the agent acts for
   * @param grant the grant that scopes what the agent may do
   * @return the agent
   */
  static Agent agent(String agentId, User onBehalfOf, AgentGrant grant) {
    return new Agent(agentId, onBehalfOf, grant);
  }

  /**
   * A person.
   *
   * @param id the subject id
   * @param signals what the credential says
   */
  record User(String id, IdentitySignals signals) implements Actor {
    /** @throws IllegalArgumentException if the id is not valid */
    public User {
      Identifiers.require("user id", id);
      Objects.requireNonNull(signals, "signals");
    }
  }

  /**
   * A machine actor: gets only the permissions bound to its client, never a person's.
   *
   * @param clientId the client id, which is also its subject id in the directory
   * @param signals what the credential says
   */
  record ServiceAccount(String clientId, IdentitySignals signals) implements Actor {
    /** @throws IllegalArgumentException if the client id is not valid */
    public ServiceAccount {
      Identifiers.require("client id", clientId);
      Objects.requireNonNull(signals, "signals");
    }

    @Override
    public String id() {
      return clientId;
    }
  }

  /**
   * An AI agent (AIOS) acting for a user under a grant. Its effective permissions are the intersection of
   * the grant's capabilities and the user's own permissions, and a high-impact action it proposes always
   * needs a person's approval.
   *
   * @param agentId the agent's id
   * @param onBehalfOf the user the agent acts for
   * @param grant the grant
   */
  record Agent(String agentId, User onBehalfOf, AgentGrant grant) implements Actor {
    /** @throws IllegalArgumentException if the id is not valid or the grant names another agent or user */
    public Agent {
      Identifiers.require("agent id", agentId);
      Objects.requireNonNull(onBehalfOf, "onBehalfOf");
      Objects.requireNonNull(grant, "grant");
      if (!grant.agentId().equals(agentId)) {
        throw new IllegalArgumentException(
            "agent grant " + grant.grantId() + " is for agent '" + grant.agentId() + "', not '" + agentId + "'");
      }
      if (!grant.onBehalfOf().equals(onBehalfOf.id())) {
        throw new IllegalArgumentException("agent grant " + grant.grantId() + " is on behalf of '"
            + grant.onBehalfOf() + "', not '" + onBehalfOf.id() + "'");
      }
    }

    @Override
    public String id() {
      return agentId;
    }

    /** An agent's own credential signals nothing: its authority is the grant and the user's. */
    @Override
    public IdentitySignals signals() {
      return IdentitySignals.none();
    }
  }
}
