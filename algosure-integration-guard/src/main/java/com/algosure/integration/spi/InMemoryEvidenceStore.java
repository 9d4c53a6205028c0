package com.algosure.integration.spi;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps evidence in memory, for tests and examples. Unbounded: not for production. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryEvidenceStore implements EvidenceStore {

  private final Map<String, Evidence> evidence = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  InMemoryEvidenceStore() {}

  @Override
  public String keep(Evidence e) {
    String ref = "evidence-" + ids.incrementAndGet();
    evidence.put(ref, e);
    return ref;
  }

  /** @param ref a reference @return the evidence kept under it */
  public Optional<Evidence> find(String ref) {
    return Optional.ofNullable(evidence.get(ref));
  }

  /** @return how many pieces of evidence are kept */
  public int size() {
    return evidence.size();
  }
}
