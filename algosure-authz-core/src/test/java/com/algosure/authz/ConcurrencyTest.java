package com.algosure.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import com.algosure.testing.Race;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  @Test
  void decideWhenManyThreadsShareOnePdpThenEveryDecisionIsCorrectAndAuditedExactlyOnce() throws Exception {
    Fixtures f = Fixtures.create();
    PolicyDecisionPoint pdp = f.pdp();
    int threads = 8;
    int perThread = 2_000;
    List<AuthorizationDecision> decisions = Race.gather(threads, thread -> {
      List<AuthorizationDecision> out = new ArrayList<>(perThread);
      for (int i = 0; i < perThread; i++) {
        // even: alice permitted in sales; odd: bob denied in acme
        boolean permit = (i + thread) % 2 == 0;
        AuthorizationRequest r = permit
            ? Fixtures.read(Actor.user("alice")).tenant("acme").organization("sales").build()
            : Fixtures.read(Actor.user("bob")).tenant("acme").organization("sales").build();
        AuthorizationDecision d = pdp.decide(r);
        assertThat(d.permitted()).isEqualTo(permit);
        out.add(d);
      }
      return out;
    });
    Set<String> ids = new HashSet<>();
    for (AuthorizationDecision d : decisions) {
      ids.add(d.decisionId());
    }

    assertThat(ids).hasSize(threads * perThread);
    List<AuditEvent> events = f.audit.events();
    assertThat(events).hasSize(threads * perThread);
    Set<String> audited = new HashSet<>();
    for (AuditEvent e : events) {
      audited.add(e.details().get("decisionId"));
    }
    assertThat(audited).isEqualTo(ids);
  }
}
