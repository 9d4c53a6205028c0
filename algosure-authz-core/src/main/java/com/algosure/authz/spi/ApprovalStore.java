package com.algosure.authz.spi;

import java.util.Optional;

/**
 * Where approvals are kept by the owning workflow. Implementations must be thread-safe; one that throws or
 * returns null makes a high-impact action deny.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface ApprovalStore {

  /**
   * @param approvalId the id a request presents
   * @return the approval, or empty if there is none with that id
   */
  Optional<Approval> find(String approvalId);

  /** @return an in-memory store, for tests and examples */
  static InMemoryApprovalStore inMemory() {
    return new InMemoryApprovalStore();
  }

  /** @return a store with no approvals: every high-impact action needs one it cannot find */
  static ApprovalStore none() {
    return id -> Optional.empty();
  }
}
