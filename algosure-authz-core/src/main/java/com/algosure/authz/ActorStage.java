package com.algosure.authz;

import com.algosure.authz.spi.Directory;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * The request is complete, the actor's credential (and an agent's grant) has not expired, the action is declared.
 * Establishes the principal and where it is looked up: a user (or the user an agent acts for) in the directory, a
 * service account in the directory's {@link Directory#serviceAccounts()}.
 */
final class ActorStage implements Stage {

  private final RoleCatalog catalog;
  private final Directory users;
  private final Directory serviceAccounts;

  ActorStage(RoleCatalog catalog, Directory users, Directory serviceAccounts) {
    this.catalog = catalog;
    this.users = users;
    this.serviceAccounts = serviceAccounts;
  }

  @Override
  public DecisionStage id() {
    return DecisionStage.ACTOR;
  }

  @Override
  public @Nullable Verdict apply(DecisionContext c) {
    Actor actor = c.request().actorOrNull();
    if (actor == null) {
      return Verdict.deny(ReasonCode.REQUEST_INVALID, "the request has no authenticated actor");
    }
    c.actor = actor;
    c.action = c.request().actionOrNull();
    if (c.action == null) {
      return Verdict.deny(ReasonCode.REQUEST_INVALID, "the request names no action");
    }
    c.resource = c.request().resourceOrNull();
    if (c.resource == null) {
      return Verdict.deny(ReasonCode.REQUEST_INVALID, "the request names no resource");
    }
    RoleCatalog.Declared declared = catalog.declaredOrNull(c.action);
    if (declared == null) {
      return Verdict.deny(ReasonCode.PERMISSION_UNKNOWN,
          "action '" + c.action + "' is not declared in the role catalogue");
    }
    c.definition = declared.definition();
    c.grantedBy = declared.grantedBy();
    if (expired(actor.signals().expiresAt().orElse(null), c.now())) {
      return Verdict.deny(ReasonCode.ACTOR_EXPIRED, "the credential of '" + actor.id() + "' has expired");
    }
    if (actor instanceof Actor.Agent agent) {
      if (!c.now().isBefore(agent.grant().expiresAt())) {
        return Verdict.deny(ReasonCode.AGENT_SCOPE_EXCEEDED,
            "grant '" + agent.grant().grantId() + "' of agent '" + agent.agentId() + "' has expired");
      }
      if (expired(agent.onBehalfOf().signals().expiresAt().orElse(null), c.now())) {
        return Verdict.deny(ReasonCode.ACTOR_EXPIRED,
            "the credential of '" + agent.onBehalfOf().id() + "', for whom the agent acts, has expired");
      }
      c.principal = agent.onBehalfOf();
      c.directory = users;
    } else {
      c.principal = actor;
      // a client id names a service account in its own namespace: a user with the same id is someone else
      c.directory = actor instanceof Actor.ServiceAccount ? serviceAccounts : users;
    }
    return null;
  }

  private static boolean expired(@Nullable Instant expiresAt, Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }
}
