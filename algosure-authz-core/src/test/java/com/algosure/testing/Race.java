package com.algosure.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Runs the same work on several threads released together, so they race, and gathers what each returned.
 *
 * <pre>{@code
 * List<String> claimed = Race.gather(8, thread -> claimAll(thread)); // each thread's list, concatenated
 * }</pre>
 */
public final class Race {

  private Race() {}

  /**
   * @param threads how many threads race
   * @param work what each thread does, given its number (0 to threads - 1)
   * @param <T> what the work gathers
   * @return every thread's results, thread by thread
   * @throws Exception if a thread failed (its exception as the cause) or did not finish within 30 seconds
   */
  public static <T> List<T> gather(int threads, IntFunction<List<T>> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<T>>> each = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<List<T>> task = () -> {
          start.await();
          return work.apply(thread);
        };
        each.add(pool.submit(task));
      }
      start.countDown();
      List<T> all = new ArrayList<>();
      for (Future<List<T>> f : each) {
        all.addAll(f.get(30, TimeUnit.SECONDS));
      }
      return all;
    } finally {
      pool.shutdownNow();
    }
  }
}
