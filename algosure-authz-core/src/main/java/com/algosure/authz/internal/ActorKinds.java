package com.algosure.authz.internal;

import com.algosure.authz.Actor;

/**
 * The kind of an actor as audit events and log lines name it: {@code user}, {@code service-account} or {@code agent}.
 * One name for every module, so that a query over the audit trail finds the decision point's events and the guard's
 * and the host's alike. <b>Not API.</b>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class ActorKinds {

  private ActorKinds() {}

  /**
   * @param actor the actor
   * @return its kind's name
   */
  public static String of(Actor actor) {
    if (actor instanceof Actor.ServiceAccount) {
      return "service-account";
    }
    return actor instanceof Actor.Agent ? "agent" : "user";
  }
}
