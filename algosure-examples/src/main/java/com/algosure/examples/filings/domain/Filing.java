package com.algosure.examples.filings.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A filing an organization prepares and submits to the authority. Immutable; changes make a new copy.
 *
 * @param id the filing's id
 * @param tenant the tenant it belongs to
 * @param organization the organization that prepares it
 * @param title its title
 * @param state where it is in its life
 * @param createdBy who created it, and so who requests its submission
 * @param text the draft text
 * @param draftedBy who last drafted the text (a person or an agent), if anyone
 * @param approvalId the approval given for its submission, if any
 * @param reference the authority's reference, once submitted
 * @param submissionKey the {@code Idempotency-Key} its submission is made under, from the first submission that got
 *     past the checks of its own request on; not shown in responses
 * @param createdAt when it was created
 * @since 0.1.0
 */
public record Filing(String id, String tenant, String organization, String title, State state, String createdBy,
    String text, @Nullable String draftedBy, @Nullable String approvalId, @Nullable String reference,
    @JsonIgnore @Nullable String submissionKey, Instant createdAt) {

  /** The longest draft text, in characters: a filing is a few pages, and every draft is kept in memory. */
  public static final int MAX_TEXT_LENGTH = 20_000;

  /** The states of a filing. */
  public enum State {
    /** Being prepared; may be edited and approved. */
    DRAFT,
    /** Sent to the authority; waiting for its callback. */
    SUBMITTED,
    /** The authority accepted it (signed callback). */
    ACCEPTED
  }

  /** @throws NullPointerException if a required component is null */
  public Filing {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdBy, "createdBy");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** @param text the new text @param by who drafted it @return the changed filing */
  public Filing drafted(String text, String by) {
    return new Filing(id, tenant, organization, title, state, createdBy, text, by, approvalId, reference, submissionKey, createdAt);
  }

  /** @param approval the approval's id @return the changed filing */
  public Filing approved(String approval) {
    return new Filing(id, tenant, organization, title, state, createdBy, text, draftedBy, approval, reference, submissionKey, createdAt);
  }

  /** @param authorityReference the authority's reference @return the submitted filing */
  public Filing submitted(String authorityReference) {
    return new Filing(id, tenant, organization, title, State.SUBMITTED, createdBy, text, draftedBy, approvalId,
        authorityReference, submissionKey, createdAt);
  }

  /**
   * @param key the {@code Idempotency-Key} a submission is made under, or null to forget one that sent nothing
   * @return the changed filing
   */
  public Filing submittingUnder(@Nullable String key) {
    return new Filing(id, tenant, organization, title, state, createdBy, text, draftedBy, approvalId, reference, key, createdAt);
  }

  /** @return the accepted filing */
  public Filing accepted() {
    return new Filing(id, tenant, organization, title, State.ACCEPTED, createdBy, text, draftedBy, approvalId, reference, submissionKey, createdAt);
  }

  /** @return what is sent to the authority: the filing's content, not its workflow data */
  public Submission submission() {
    return new Submission(id, tenant, organization, title, text);
  }
}
