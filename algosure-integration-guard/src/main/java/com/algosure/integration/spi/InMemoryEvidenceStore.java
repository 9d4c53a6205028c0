package com.algosure.integration.spi;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps evidence in memory, for tests and examples: at most 10,000 pieces, the oldest dropped first, lost
 * on restart. Replace it with a durable store in production. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryEvidenceStore implements EvidenceStore {

  private final Cache<String, Evidence> evidence = Caffeine.newBuilder().maximumSize(10_000).build();
  private final AtomicLong ids = new AtomicLong();

  InMemoryEvidenceStore() {}

  @Override
  public String keep(Evidence e) {
    String ref = "evidence-" + ids.incrementAndGet();
    evidence.put(ref, e);
    return ref;
  }

  /**
   * @param ref a reference
   * @return the evidence kept under it
   */
  public Optional<Evidence> find(String ref) {
    return Optional.ofNullable(evidence.getIfPresent(ref));
  }

  /** @return how many pieces of evidence are kept */
  public long size() {
    evidence.cleanUp();
    return evidence.estimatedSize();
  }
}
