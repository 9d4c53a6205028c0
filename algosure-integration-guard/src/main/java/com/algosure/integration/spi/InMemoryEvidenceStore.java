package com.algosure.integration.spi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps evidence in memory, for tests and examples: at most 10,000 pieces, the oldest dropped first (the first
 * drop is logged once as a warning), lost on restart. Replace it with a durable store in production.
 * Thread-safe; evidence is kept only for failures, so one lock is enough.
 *
 * @since 0.1.0
 */
public final class InMemoryEvidenceStore implements EvidenceStore {

  private static final Logger LOG = LoggerFactory.getLogger(InMemoryEvidenceStore.class);

  /** How many pieces the store keeps at most. */
  static final int MAXIMUM = 10_000;

  private final int maximum;
  /** In the order kept, so the eldest is the oldest: a frequency-based cache could drop the newest piece instead. */
  private final LinkedHashMap<String, Evidence> evidence = new LinkedHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private boolean dropped;

  InMemoryEvidenceStore() {
    this(MAXIMUM);
  }

  /** @param maximum how many pieces to keep at most (tests use a small one) */
  InMemoryEvidenceStore(int maximum) {
    if (maximum < 1) {
      throw new IllegalArgumentException("maximum must be at least 1, was " + maximum);
    }
    this.maximum = maximum;
  }

  @Override
  public String keep(Evidence e) {
    String ref = "evidence-" + ids.incrementAndGet();
    boolean firstDrop = false;
    synchronized (evidence) {
      evidence.put(ref, e);
      if (evidence.size() > maximum) {
        Map.Entry<String, Evidence> oldest = evidence.entrySet().iterator().next();
        evidence.remove(oldest.getKey());
        firstDrop = !dropped;
        dropped = true;
      }
    }
    if (firstDrop) {
      LOG.warn("the in-memory evidence store holds its maximum of {} pieces and now drops the oldest: use a durable"
          + " EvidenceStore (IntegrationGuard.builder().evidence(...)) outside tests and examples", maximum);
    }
    return ref;
  }

  /**
   * @param ref a reference
   * @return the evidence kept under it
   */
  public Optional<Evidence> find(String ref) {
    synchronized (evidence) {
      return Optional.ofNullable(evidence.get(ref));
    }
  }

  /** @return how many pieces of evidence are kept */
  public long size() {
    synchronized (evidence) {
      return evidence.size();
    }
  }
}
