package com.algosure.spring;

import com.algosure.authz.AuthorizationDecision;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The permitting decision of the {@link Authorize}d method that is running on this thread, so that the
 * method can act in the context the decision point resolved (its tenant and active organization) instead of
 * resolving it again:
 *
 * <pre>{@code
 * @Authorize(action = "filings:read", resourceType = "filing")
 * public List<Filing> list() {
 *   AuthorizationDecision d = CurrentDecision.require();
 *   return repository.findAll(d.tenant().orElseThrow(), d.organization().orElseThrow());
 * }
 * }</pre>
 *
 * <p>Bound by the interceptor for the duration of the call only (nested calls see their own decision, and
 * the outer one again when they return). Decisions cannot be made outside the decision point, so nothing
 * bound here was forged.
 *
 * @since 0.1.0
 */
public final class CurrentDecision {

  private static final ThreadLocal<@Nullable AuthorizationDecision> CURRENT = new ThreadLocal<>();

  private CurrentDecision() {}

  /** @return the permitting decision of the running {@link Authorize}d method, if any */
  public static Optional<AuthorizationDecision> get() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * @return the permitting decision of the running {@link Authorize}d method
   * @throws IllegalStateException if no {@link Authorize}d method is running on this thread
   */
  public static AuthorizationDecision require() {
    AuthorizationDecision d = CURRENT.get();
    if (d == null) {
      throw new IllegalStateException("no @Authorize'd method is running on this thread: annotate the method, or call "
          + "AlgosureAuthorizer.require(...) and use the decision it returns");
    }
    return d;
  }

  /**
   * Binds a decision for the length of a call; close the scope to restore what was bound before.
   *
   * @param decision a permitting decision
   * @return the scope
   * @throws IllegalArgumentException if the decision does not permit
   */
  public static Scope bind(AuthorizationDecision decision) {
    if (!Objects.requireNonNull(decision, "decision").permitted()) {
      throw new IllegalArgumentException("only a permitting decision can be bound, not " + decision.effect());
    }
    AuthorizationDecision previous = CURRENT.get();
    CURRENT.set(decision);
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** Ends a binding. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    /** Restores the decision bound before. */
    @Override
    void close();
  }
}
