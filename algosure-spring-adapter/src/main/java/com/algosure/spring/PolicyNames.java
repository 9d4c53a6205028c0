package com.algosure.spring;

import com.algosure.authz.Actor;

/** Small naming helpers shared inside the adapter. */
final class PolicyNames {

  private PolicyNames() {}

  static String kind(Actor actor) {
    if (actor instanceof Actor.ServiceAccount) {
      return "service-account";
    }
    return actor instanceof Actor.Agent ? "agent" : "user";
  }
}
