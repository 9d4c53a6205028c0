package com.algosure.examples.filings.domain;

import com.algosure.authz.Actor;
import com.algosure.authz.AuthorizationContext;
import com.algosure.authz.AuthorizationRequest;
import com.algosure.authz.spi.DomainDecision;
import com.algosure.authz.spi.DomainPolicy;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The filings domain's own rules, which a generic permission cannot know: a filing belongs to one tenant and
 * organization; only drafts are edited or approved, and an approved draft is no longer edited (the approver approved
 * that text); the person who requests a submission never approves it (four eyes); an accepted filing is final. Registered for resource type {@code filing}; runs after RBAC and
 * can only narrow. Thread-safe.
 *
 * @since 0.1.0
 */
@Component
public class FilingPolicy implements DomainPolicy {

  private final FilingRepository filings;

  /** @param filings the filings */
  public FilingPolicy(FilingRepository filings) {
    this.filings = filings;
  }

  @Override
  public DomainDecision evaluate(AuthorizationRequest request, AuthorizationContext context) {
    Optional<String> id = context.resource().id();
    if (id.isEmpty()) {
      return DomainDecision.allow(); // listing and creating: the organization stage already scoped them
    }
    Optional<Filing> found = filings.find(id.get());
    if (found.isEmpty()) {
      return DomainDecision.deny("there is no such filing");
    }
    Filing f = found.get();
    if (!f.tenant().equals(context.tenant().value())
        || context.organization().map(o -> !o.value().equals(f.organization())).orElse(false)) {
      return DomainDecision.deny("the filing belongs to another organization");
    }
    String action = context.action().permission().name();
    switch (action) {
      case "filings:write":
        if (f.state() != Filing.State.DRAFT) {
          return DomainDecision.deny("only a draft can be edited");
        }
        // the approval is of the text as it was approved: an edit afterwards would be submitted unseen by the approver
        return f.approvalId() == null ? DomainDecision.allow()
            : DomainDecision.deny("an approved filing cannot be edited: its approval covers the text that was approved");
      case "filings:approve":
        if (f.state() != Filing.State.DRAFT) {
          return DomainDecision.deny("only a draft can be approved");
        }
        return principal(context.actor()).equals(f.createdBy())
            ? DomainDecision.deny("four eyes: the person who requests the submission cannot approve it")
            : DomainDecision.allow();
      case "filings:submit":
        return f.state() == Filing.State.ACCEPTED ? DomainDecision.deny("the filing was accepted already") : DomainDecision.allow();
      default:
        return DomainDecision.allow();
    }
  }

  private static String principal(Actor actor) {
    return actor instanceof Actor.Agent agent ? agent.onBehalfOf().id() : actor.id();
  }
}
