package com.algosure.authz;

import static org.assertj.core.api.Assertions.assertThat;

import com.algosure.audit.AuditEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

  @Test
  void decideWhenManyThreadsShareOnePdpThenEveryDecisionIsCorrectAndAuditedExactlyOnce() throws Exception {
    Fixtures f = Fixtures.create();
    PolicyDecisionPoint pdp = f.pdp();
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<AuthorizationDecision>>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Callable<List<AuthorizationDecision>> task = () -> {
        start.await();
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
      };
      futures.add(pool.submit(task));
    }
    start.countDown();
    Set<String> ids = new HashSet<>();
    for (Future<List<AuthorizationDecision>> fut : futures) {
      for (AuthorizationDecision d : fut.get(60, TimeUnit.SECONDS)) {
        ids.add(d.decisionId());
      }
    }
    pool.shutdown();

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
