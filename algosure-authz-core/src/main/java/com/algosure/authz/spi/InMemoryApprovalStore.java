package com.algosure.authz.spi;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Approvals held in memory. Thread-safe.
 *
 * @since 0.1.0
 */
public final class InMemoryApprovalStore implements ApprovalStore {

  private final ConcurrentMap<String, Approval> approvals = new ConcurrentHashMap<>();

  InMemoryApprovalStore() {}

  @Override
  public Optional<Approval> find(String approvalId) {
    return Optional.ofNullable(approvals.get(approvalId));
  }

  /**
   * Records an approval.
   *
   * @param approval the approval
   * @return the approval
   * @throws IllegalArgumentException if an approval with that id exists already
   */
  public Approval add(Approval approval) {
    Objects.requireNonNull(approval, "approval");
    if (approvals.putIfAbsent(approval.id(), approval) != null) {
      throw new IllegalArgumentException("approval '" + approval.id() + "' exists already");
    }
    return approval;
  }

  /** @param approvalId an approval's id @return whether it was there and is now removed */
  public boolean revoke(String approvalId) {
    return approvals.remove(approvalId) != null;
  }
}
