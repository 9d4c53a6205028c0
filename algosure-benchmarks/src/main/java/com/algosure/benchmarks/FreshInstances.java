package com.algosure.benchmarks;

import java.util.function.Supplier;

/**
 * Hands out one instance (a guard with its own in-memory store) for a fixed number of calls, then the next of
 * those built before the iteration, letting the used one go. The stores never evict a live key, so at a
 * benchmark's rate one store would fill; rotating keeps every record's life as short as that number of calls,
 * and nothing is built while a call is timed. There are only as many as one iteration of 1 s needs; an iteration
 * that needs more (JMH's default of 10 s, say) fails with a message saying so, instead of its last store filling
 * and refusing calls.
 *
 * @param <T> what is handed out
 */
public final class FreshInstances<T> {

  private final Object[] instances;
  private final int callsEach;
  private int index;
  private int calls;

  /**
   * @param count how many are built per iteration (enough for the fastest iteration)
   * @param callsEach how many calls each takes
   */
  public FreshInstances(int count, int callsEach) {
    this.instances = new Object[count];
    this.callsEach = callsEach;
  }

  /** @param make builds one instance; called {@code count} times, outside the timed part */
  public void refill(Supplier<T> make) {
    for (int i = 0; i < instances.length; i++) {
      instances[i] = make.get();
    }
    index = 0;
    calls = 0;
  }

  /**
   * @return the instance for this call
   * @throws IllegalStateException if every instance built for this iteration has taken its calls
   */
  @SuppressWarnings("unchecked")
  public T next() {
    if (++calls > callsEach) {
      if (index + 1 == instances.length) {
        throw new IllegalStateException("all " + instances.length + " instances built for this iteration have taken their "
            + callsEach + " calls: run iterations of 1 s (-w 1s -r 1s, as run.sh does), not JMH's default of 10 s");
      }
      instances[index++] = null; // its records become garbage
      calls = 1;
    }
    return (T) instances[index];
  }
}
