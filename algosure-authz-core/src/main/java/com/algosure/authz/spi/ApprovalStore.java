package com.algosure.authz.spi;

import java.util.Optional;

/**
 * Where approvals are kept by the owning workflow. Implementations must be thread-safe; one that throws or
 * returns null makes a high-impact action deny.
 *
 * <p>The decision point does not consume an approval: one the store answers is accepted by every decision it matches
 * (tenant, action, resource, requester) until it expires, in any organization of the tenant (an {@link Approval} names
 * none), and for a collection ({@code ResourceRef.type("payment")}) by every such action on it. A workflow that
 * allows one use stops answering the approval (revokes it) once the approved action has run.
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
