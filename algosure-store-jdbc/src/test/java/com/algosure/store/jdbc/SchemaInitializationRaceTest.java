package com.algosure.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Several instances of a service starting at once, each initializing the stores' schema (a rolling deployment). */
class SchemaInitializationRaceTest {

  @Test
  void initializeWhenEightInstancesStartAtOnceOnAFreshSchemaThenEveryOneSucceeds() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 5; round++) {
        try (Postgres pg = Postgres.forClass(SchemaInitializationRaceTest.class)) {
          Postgres.Pool[] instances = new Postgres.Pool[8];
          CountDownLatch start = new CountDownLatch(1);
          List<Future<?>> runs = new ArrayList<>();
          for (int i = 0; i < instances.length; i++) {
            Postgres.Pool instance = instances[i] = new Postgres.Pool(pg.direct, 2);
            runs.add(threads.submit(() -> {
              start.await();
              JdbcAuditSink sink = JdbcAuditSink.builder(instance).schema(pg.schema).build();
              try {
                sink.initialize();
              } finally {
                sink.close();
              }
              JdbcConsentRegistry.builder(instance).schema(pg.schema).build().initialize();
              JdbcIdempotencyStore.builder(instance).schema(pg.schema).clock(Clock.systemUTC()).build().initialize();
              return null;
            }));
          }
          start.countDown();
          List<Throwable> failures = new ArrayList<>();
          for (Future<?> run : runs) {
            try {
              run.get();
            } catch (java.util.concurrent.ExecutionException e) {
              failures.add(e.getCause());
            }
          }
          for (Postgres.Pool instance : instances) {
            instance.close();
          }
          assertThat(failures).as("round %d", round).isEmpty();
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
