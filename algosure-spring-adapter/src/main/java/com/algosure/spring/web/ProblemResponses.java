package com.algosure.spring.web;

import com.algosure.authz.AuthorizationDecision;
import com.algosure.authz.Effect;
import com.algosure.authz.ReasonCode;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.OutcomeReason;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Builds and writes the adapter's RFC 9457 {@code application/problem+json} responses: 401 for a missing or
 * refused token (503 where the issuer's keys could not be had to check it), 403 for a deny, 503 for a deny because
 * something the decision needs did not answer (a stage or host SPI failed, the entitlement source or the audit sink
 * did not answer: not decided, try later), 428 where an approval is required, 428 with the RFC 9470
 * {@code insufficient_user_authentication} challenge where a step-up (multi-factor authentication) is required, 400 for
 * an invalid request context, and the integration outcomes. Each carries the machine-readable {@code reason} and the
 * {@code decisionId} (or, where no decision was made, an id that is also in the log line).
 *
 * <p>The {@code detail} is a fixed sentence per reason, never the decision's explanation: an explanation is
 * for the audit trail and the log, and a response must not tell a caller about tenants, organizations or
 * people it has no access to. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ProblemResponses {

  /** The {@code application/problem+json} media type. */
  public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String STEP_UP_CHALLENGE = "Bearer error=\"insufficient_user_authentication\", "
      + "error_description=\"multi-factor authentication is required\"";

  private final String typePrefix;
  private final String stepUpChallenge;

  /**
   * Problems whose step-up challenge names no {@code acr_values}.
   *
   * @param typePrefix prefix of every problem type URI, such as {@code urn:algosure:problem:}
   */
  public ProblemResponses(String typePrefix) {
    this(typePrefix, List.of());
  }

  /**
   * Problems whose step-up challenge (RFC 9470) names the {@code acr_values} a client may ask the issuer for to come
   * back with a token that counts as multi-factor evidence: the {@code acr} values the Keycloak mapping counts as MFA.
   *
   * @param typePrefix prefix of every problem type URI, such as {@code urn:algosure:problem:}
   * @param stepUpAcrValues the acr values in order of preference; empty for none
   * @throws IllegalArgumentException if an acr value cannot be carried in the space-separated {@code acr_values} of a
   *     header: it is empty, or holds a space, a control character (a line break) or a character beyond ASCII
   * @since 0.1.0
   */
  public ProblemResponses(String typePrefix, List<String> stepUpAcrValues) {
    this.typePrefix = Objects.requireNonNull(typePrefix, "typePrefix");
    Objects.requireNonNull(stepUpAcrValues, "stepUpAcrValues");
    StringBuilder acr = new StringBuilder();
    for (int i = 0; i < stepUpAcrValues.size(); i++) {
      String v = stepUpAcrValues.get(i);
      if (!isChallengeAcr(v)) {
        throw new IllegalArgumentException("stepUpAcrValues[" + i + "] is not an acr value the WWW-Authenticate "
            + "challenge can carry: use visible ASCII characters only, at least one, no space");
      }
      if (acr.length() > 0) {
        acr.append(' ');
      }
      // RFC 9110 5.6.4: inside a quoted-string, a quote and a backslash are written as quoted-pairs
      acr.append(v.replace("\\", "\\\\").replace("\"", "\\\""));
    }
    this.stepUpChallenge = acr.length() == 0 ? STEP_UP_CHALLENGE : STEP_UP_CHALLENGE + ", acr_values=\"" + acr + "\"";
  }

  /**
   * @param acr an acr value
   * @return whether it can be one of the space-separated {@code acr_values} of a challenge: one or more visible ASCII
   *     characters (RFC 5234 VCHAR), so never a space, a line break or another control character
   * @since 0.1.0
   */
  public static boolean isChallengeAcr(@Nullable String acr) {
    return acr != null && !acr.isEmpty() && acr.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
  }

  /**
   * @param decision a decision that did not permit
   * @return 403 for a deny on the merits; 503 for a deny because the decision could not be made now (a stage or a
   *     host SPI failed, {@code STAGE_FAILURE}; the entitlement source did not answer, {@code ENTITLEMENT_UNAVAILABLE};
   *     the decision could not be audited, {@code AUDIT_FAILED}); 428 for approval required; 428 for step-up required,
   *     with {@code WWW-Authenticate: Bearer error="insufficient_user_authentication"} (RFC 9470's challenge) and the
   *     {@code acr_values} this was built with, if any
   */
  public AlgosureProblem decision(AuthorizationDecision decision) {
    ReasonCode reason = decision.reason();
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("reason", reason.name());
    ext.put("effect", decision.effect().name());
    ext.put("decisionId", decision.decisionId());
    ext.put("stage", decision.stage().name());
    Map<String, String> headers = new LinkedHashMap<>();
    int status = 403;
    if (decision.effect() == Effect.DENY && notDecided(reason)) {
      // RFC 9110 15.6.4: nothing was decided against the caller; a 403 would tell it that it may not, for good
      status = 503;
    } else if (decision.effect() == Effect.APPROVAL_REQUIRED) {
      status = 428;
    } else if (decision.effect() == Effect.STEP_UP_REQUIRED) {
      // 428 as for an approval (the design's status for both: the caller's token is valid, the request needs more).
      // RFC 9470 would answer 401; its challenge is sent all the same (RFC 9110 11.6.1 allows WWW-Authenticate on any
      // response), so a client reads which authentication to come back with
      status = 428;
      headers.put(HttpHeaders.WWW_AUTHENTICATE, stepUpChallenge);
    }
    return new AlgosureProblem(status, type(reason.name()), title(reason.name()), detail(reason), ext, headers);
  }

  /**
   * @param reason why the token was refused, such as {@code TOKEN_EXPIRED}
   * @param problemId an id for this refusal, also written to the log
   * @return 401 with {@code WWW-Authenticate: Bearer error="invalid_token"}; 503 (without that challenge) for
   *     {@code JWKS_UNAVAILABLE}, where the token was not found invalid but the issuer's keys could not be had to
   *     check it, so that a client does not fetch a new token that would fail the same way
   */
  public AlgosureProblem tokenRejected(String reason, String problemId) {
    if ("JWKS_UNAVAILABLE".equals(reason)) {
      return new AlgosureProblem(503, type(reason), title(reason),
          "The access token could not be checked now, because the issuer's signing keys are unavailable here, so the "
              + "request is refused: try again later (a new token would not help).",
          Map.of("reason", reason, "decisionId", problemId), Map.of());
    }
    return new AlgosureProblem(401, type("invalid-token"), "Invalid token",
        "The access token was refused. Get a new token from the issuer and send it as 'Authorization: Bearer ...'.",
        Map.of("reason", reason, "decisionId", problemId),
        Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\", error_description=\"the access token is not valid ("
            + reason + ")\""));
  }

  /**
   * @param problemId an id for this refusal, also written to the log
   * @return 401 with {@code WWW-Authenticate: Bearer} (RFC 6750: no error code when no token was sent)
   */
  public AlgosureProblem unauthenticated(String problemId) {
    return new AlgosureProblem(401, type("unauthenticated"), "Unauthenticated",
        "This resource needs an access token: send one as 'Authorization: Bearer ...'.",
        Map.of("reason", "UNAUTHENTICATED", "decisionId", problemId), Map.of(HttpHeaders.WWW_AUTHENTICATE, "Bearer"));
  }

  /**
   * @param source where the invalid value came from, such as {@code header X-Organization-Id}
   * @param problemId an id for this refusal, also written to the log
   * @return 400; the invalid value is not echoed
   */
  public AlgosureProblem invalidContext(String source, String problemId) {
    return new AlgosureProblem(400, type("invalid-request-context"), "Invalid request context",
        "The request names its context with a value that is not valid (" + source + ").",
        Map.of("reason", "REQUEST_CONTEXT_INVALID", "decisionId", problemId), Map.of());
  }

  /**
   * @param problemId an id for this refusal, also written to the log
   * @return 403 for an access denial by the security filter chain itself (not by the decision point)
   */
  public AlgosureProblem accessDenied(String problemId) {
    return new AlgosureProblem(403, type("access-denied"), "Access denied", "The request is not allowed.",
        Map.of("reason", "ACCESS_DENIED", "decisionId", problemId), Map.of());
  }

  /**
   * The problem for an integration outcome that is not accepted: a refusal by the decision point keeps its
   * 403, 428 or 503 ({@link #decision}); a refused consent is 403; a decision point or consent registry that could
   * not answer ({@code AUTHORIZATION_UNAVAILABLE}, {@code CONSENT_UNAVAILABLE}) 503; a rate limit 429 with
   * {@code Retry-After}; a tenant holding its bound of idempotency keys ({@code IDEMPOTENCY_TENANT_LIMIT}) 429 without
   * one (other tenants are still served); a key still in flight 409 (and a completed key whose outcome is only a summary 409, saying
   * not to retry); a key reused with another request 422 (IETF Idempotency-Key draft); a missing key 400; an invalid
   * provider response or a failure of the provider 502; the service's own exchange code failing before anything was
   * sent ({@code CALL_FAILED}) 500, as is a call whose idempotency key was lost after the provider answered
   * ({@code IDEMPOTENCY_KEY_LOST}: a retry would send it again); an open circuit, an escalated unknown state, or a call the guard did not send
   * because its own store, secrets or audit did not answer (or it failed itself) 503. A failure that names when a
   * resubmission can be sent ({@link IntegrationOutcome.Failed#retryAfter()}: an open circuit's next trial) carries it
   * as {@code Retry-After}, as a rate limit does.
   *
   * @param outcome the outcome
   * @param problemId an id for the problem where no decision gave one, also written to the log
   * @param now the current time, for {@code Retry-After}
   * @return the problem
   */
  public AlgosureProblem integration(IntegrationOutcome<?> outcome, String problemId, Instant now) {
    IntegrationOutcome<?> o = outcome;
    boolean replayed = false;
    if (o instanceof IntegrationOutcome.Duplicate<?> d && d.first().isPresent()) {
      o = d.first().get(); // the replay of a first call that was not accepted answers as that call did
      replayed = true;
    }
    if (o instanceof IntegrationOutcome.Denied<?> denied && denied.decision().isPresent()
        && !denied.decision().get().permitted()) {
      AlgosureProblem p = decision(denied.decision().get());
      Map<String, Object> ext = new LinkedHashMap<>(p.extensions());
      ext.put("provider", outcome.request().provider().value());
      return new AlgosureProblem(p.status(), p.type(), p.title(), p.detail(), ext, p.headers());
    }
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("outcome", o.kind().name());
    ext.put("provider", outcome.request().provider().value());
    ext.put("decisionId", problemId);
    if (replayed) {
      ext.put("replayed", true);
    }
    Map<String, String> headers = new LinkedHashMap<>();
    int status;
    String detail;
    switch (o.kind()) {
      case DENIED:
        if (o.reason() == OutcomeReason.AUTHORIZATION_UNAVAILABLE || o.reason() == OutcomeReason.CONSENT_UNAVAILABLE) {
          // nothing was decided against the caller: the decision point or the consent registry did not answer
          status = 503;
          detail = "The call could not be checked now (" + o.reason().name() + "), so nothing was sent to the "
              + "provider and nothing was accepted: try again later.";
        } else {
          status = 403;
          detail = "The call to the provider was refused before anything was sent (" + o.reason().name() + ").";
        }
        break;
      case RATE_LIMITED:
        status = 429;
        retryAfter(((IntegrationOutcome.RateLimited<?>) o).retryAfter(), now, headers, ext);
        detail = "Too many calls to the provider: nothing was lost, try again after the Retry-After delay.";
        break;
      case REJECTED:
        switch (o.reason()) {
          case IDEMPOTENCY_KEY_REUSED:
            status = 422;
            detail = "This Idempotency-Key was already used with another request (payload or target): use a new key for a new request.";
            break;
          case IDEMPOTENCY_KEY_MISSING:
            status = 400;
            detail = "This call needs an Idempotency-Key header.";
            break;
          default:
            status = 502;
            detail = "The provider's answer was not valid, so nothing was accepted; the evidence is kept for review.";
        }
        break;
      case DUPLICATE:
        status = 409;
        if (o.reason() == OutcomeReason.DUPLICATE_IN_PROGRESS) {
          detail = "A request with this Idempotency-Key is still being processed: retry later.";
        } else {
          // completed, but its outcome is kept only as a summary (the distributed stores' default codec): a retry
          // would get this same answer forever, so do not invite one
          detail = "A request with this Idempotency-Key was already processed, and its result cannot be replayed here: "
              + "do not retry it; look up the first request's result, or use a new key for a new request.";
        }
        break;
      case ESCALATED:
        ext.put("escalationId", ((IntegrationOutcome.Escalated<?>) o).escalationId());
        if (o.reason() == OutcomeReason.IDEMPOTENCY_KEY_LOST) {
          // the provider answered and the key no longer holds: a retry (which a 503 invites) would send the call again
          status = 500;
          detail = "The provider answered, but this request's Idempotency-Key could not be kept, so a retry would send it"
              + " again: do not retry it; the case was handed over for review.";
        } else {
          status = 503;
          detail = "The provider's state is unknown; the case was handed over for review and nothing was accepted.";
        }
        break;
      default: // FAILED
        if (o.reason() == OutcomeReason.IDEMPOTENCY_TENANT_LIMIT) {
          // the tenant's own share of the idempotency store is taken: its too many requests, not the guard failing for
          // everyone; when room comes back depends on its earlier keys' time to live, so no Retry-After is promised
          status = 429;
          detail = "This tenant has as many requests within their idempotency time to live as this service keeps for"
              + " one tenant, so the call was not sent and nothing was accepted: try again later.";
        } else if (notSentByTheGuard(o.reason())) {
          // the guard's own store, secrets or audit did not answer: the provider is not to blame, and a later try may pass
          status = 503;
          detail = "The call could not be made safely here (" + o.reason().name() + "), so it was not sent to the "
              + "provider (or, after failed attempts, not sent again) and nothing was accepted: try again later.";
        } else if (o.reason() == OutcomeReason.CALL_FAILED) {
          // the service's own exchange code failed before sending: neither the provider's fault nor a passing outage
          status = 500;
          detail = "The call failed on this service's side, so it was not sent to the provider and nothing was "
              + "accepted; if it keeps failing, report the decisionId.";
        } else {
          status = o.reason() == OutcomeReason.CIRCUIT_OPEN ? 503 : 502;
          detail = "The provider could not be reached or failed; nothing was accepted.";
        }
        // where the guard knows when a resubmission can be sent (an open circuit's trial): RFC 9110 10.2.3 lets a 503
        // say it
        if (o instanceof IntegrationOutcome.Failed<?> failed) {
          failed.retryAfter().ifPresent(at -> retryAfter(at, now, headers, ext));
        }
    }
    return of(status, o.reason().name(), detail, ext, headers);
  }

  /** Puts {@code Retry-After} in whole seconds (rounded up, at least 1) and the instant as {@code retryAfter}. */
  private static void retryAfter(Instant at, Instant now, Map<String, String> headers, Map<String, Object> ext) {
    long seconds = Math.max(1, (Duration.between(now, at).toMillis() + 999) / 1000);
    headers.put(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    ext.put("retryAfter", at.toString());
  }

  /**
   * @return whether a failure is the guard's own, before a request (or its next attempt) was sent: its idempotency or
   *     rate-limit store, the secrets or the audit sink did not answer, or the guard itself failed
   */
  private static boolean notSentByTheGuard(OutcomeReason reason) {
    switch (reason) {
      case SECRET_UNAVAILABLE:
      case IDEMPOTENCY_UNAVAILABLE:
      case RATE_LIMIT_UNAVAILABLE:
      case AUDIT_FAILED:
      case GUARD_FAILURE:
        return true;
      default:
        return false;
    }
  }

  /**
   * @return whether a deny says the decision could not be made now, not that the request is refused on its merits:
   *     a stage or a host SPI failed, the entitlement source or the audit sink did not answer
   */
  private static boolean notDecided(ReasonCode reason) {
    switch (reason) {
      case STAGE_FAILURE:
      case ENTITLEMENT_UNAVAILABLE:
      case AUDIT_FAILED:
        return true;
      default:
        return false;
    }
  }

  /**
   * A problem of another kind, with the adapter's type prefix.
   *
   * @param status the status
   * @param reason the reason code, which also names the type
   * @param detail a fixed sentence for people
   * @param extensions further members after {@code reason}
   * @param headers response headers
   * @return the problem
   */
  public AlgosureProblem of(int status, String reason, String detail, Map<String, Object> extensions,
      Map<String, String> headers) {
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put("reason", reason);
    ext.putAll(extensions);
    return new AlgosureProblem(status, type(reason), title(reason), detail, ext, headers);
  }

  /**
   * Writes a problem to a servlet response (for filters and entry points, outside Spring MVC).
   *
   * @param problem the problem
   * @param request the request, whose path becomes the {@code instance}
   * @param response the response
   * @throws UncheckedIOException if the response cannot be written
   */
  public void write(AlgosureProblem problem, HttpServletRequest request, HttpServletResponse response) {
    response.setStatus(problem.status());
    problem.headers().forEach(response::setHeader);
    response.setContentType(PROBLEM_JSON.toString());
    try {
      response.getOutputStream().write(body(problem, request));
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the problem response", e);
    }
  }

  /**
   * @param problem the problem
   * @param request the request, whose path becomes the {@code instance}
   * @return the problem as a Spring MVC response
   */
  public ResponseEntity<byte[]> entity(AlgosureProblem problem, HttpServletRequest request) {
    ResponseEntity.BodyBuilder b = ResponseEntity.status(problem.status()).contentType(PROBLEM_JSON);
    problem.headers().forEach((k, v) -> b.header(k, v));
    return b.body(body(problem, request));
  }

  private static byte[] body(AlgosureProblem problem, HttpServletRequest request) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", problem.type());
    json.put("title", problem.title());
    json.put("status", problem.status());
    json.put("detail", problem.detail());
    json.put("instance", request.getRequestURI());
    problem.extensions().forEach(json::putIfAbsent);
    try {
      return JSON.writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("could not write the problem as JSON", e);
    }
  }

  private String type(String reason) {
    return typePrefix + reason.toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String title(String reason) {
    String words = reason.toLowerCase(Locale.ROOT).replace('_', ' ').replace('-', ' ');
    return Character.toUpperCase(words.charAt(0)) + words.substring(1);
  }

  private static String detail(ReasonCode reason) {
    switch (reason) {
      case REQUEST_INVALID:
        return "The request is incomplete: it does not name everything the action needs.";
      case ACTOR_EXPIRED:
        return "The credential has expired: authenticate again.";
      case TENANT_MISSING:
        return "No tenant could be established for this request.";
      case TENANT_AMBIGUOUS:
        return "You have access to several tenants: name the tenant to act in.";
      case TENANT_ACCESS_DENIED:
      case TENANT_CONFLICT:
        return "You have no access to this tenant.";
      case ORGANIZATION_MISSING:
        return "This action needs an active organization and none could be established: name one.";
      case ORGANIZATION_AMBIGUOUS:
        return "You belong to several organizations: name the active organization in the request.";
      case ORGANIZATION_OUTSIDE_TENANT:
      case ORGANIZATION_NOT_MEMBER:
        return "You cannot act in the organization the request names.";
      case PERMISSION_UNKNOWN:
        return "The action is not known to this service.";
      case PERMISSION_DENIED:
        return "You hold no role that allows this action here.";
      case SERVICE_ACCOUNT_SCOPE_EXCEEDED:
        return "This service account is not allowed this action.";
      case AGENT_SCOPE_EXCEEDED:
        return "The agent's grant does not cover this action.";
      case MFA_REQUIRED:
        return "This action needs multi-factor authentication: authenticate again with a second factor.";
      case ATTRIBUTE_POLICY_DENIED:
      case DOMAIN_RULE_DENIED:
        return "The action is not allowed in the resource's current state.";
      case ENTITLEMENT_MISSING:
        return "The tenant's plan does not include this feature.";
      case ENTITLEMENT_LIMIT_EXCEEDED:
        return "The tenant has reached the limit of its plan for this action.";
      case ENTITLEMENT_UNAVAILABLE:
        return "The plan's entitlements could not be checked, so the action is refused; try again later.";
      case STAGE_FAILURE:
        return "The request could not be decided now, because a check it needs failed, so it is refused: "
            + "try again later.";
      case AUDIT_FAILED:
        return "The decision could not be recorded, so the request is refused: try again later.";
      case APPROVAL_REQUIRED:
        return "This action is high impact and needs an approval by another person: present its id.";
      case APPROVAL_INVALID:
        return "The approval presented is not valid for this request.";
      case APPROVAL_EXPIRED:
        return "The approval presented has expired.";
      case APPROVAL_SELF_APPROVED:
        return "The approval presented was given by the requester: it needs a second person.";
      default:
        return "The request was refused (" + reason.name() + ").";
    }
  }
}
