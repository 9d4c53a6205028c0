package com.algosure.examples.filings.web;

import com.algosure.audit.AuditIds;
import com.algosure.examples.filings.domain.Filing;
import com.algosure.examples.filings.domain.FilingRepository;
import com.algosure.integration.JsonType;
import com.algosure.integration.InvalidPayloadException;
import com.algosure.integration.JsonValidator;
import com.algosure.integration.ProviderId;
import com.algosure.integration.inbound.CallbackGuard;
import com.algosure.integration.inbound.CallbackOutcome;
import com.algosure.integration.inbound.CallbackRegistration;
import com.algosure.integration.inbound.CallbackRequest;
import com.algosure.integration.inbound.VerifiedCallback;
import com.algosure.spring.web.ProblemResponses;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The authority's callback: a public path (no bearer token), authenticated by its Standard Webhooks signature
 * instead. The callback guard checks signature, timestamp window, dedupe and payload before the handler marks
 * the filing accepted; a duplicate delivery is acknowledged without a second effect.
 *
 * @since 0.1.0
 */
@RestController
public class AuthorityCallbackController {

  private static final ProviderId AUTHORITY = ProviderId.of("authority");
  private static final JsonValidator PAYLOAD = JsonValidator.builder()
      .require("type", JsonType.STRING).require("tenant", JsonType.STRING).require("filingId", JsonType.STRING)
      .require("reference", JsonType.STRING).safeField("type").safeField("filingId").build();

  private final CallbackGuard guard;
  private final FilingRepository filings;
  private final ProblemResponses problems;
  private final int maxBodyBytes;

  /**
   * @param guard the callback guard
   * @param filings the filings
   * @param problems writes refusals as problem responses
   */
  public AuthorityCallbackController(CallbackGuard guard, FilingRepository filings, ProblemResponses problems) {
    this.guard = guard;
    this.filings = filings;
    this.problems = problems;
    CallbackRegistration registration = guard.registrations().get(AUTHORITY);
    if (registration == null) {
      throw new IllegalStateException("the callback guard has no registration for provider '" + AUTHORITY + "'");
    }
    this.maxBodyBytes = registration.maxPayloadBytes().orElseThrow(
        () -> new IllegalStateException("the authority's callback registration must set maxPayloadBytes"));
  }

  /**
   * @param request the request: its headers, and its raw body exactly as received (the signature covers these bytes)
   * @return 200 for an accepted or duplicate callback, a problem response otherwise
   * @throws IOException if the body could not be read
   */
  @PostMapping("/api/callbacks/authority")
  public ResponseEntity<?> callback(HttpServletRequest request) throws IOException {
    // a public path: read no more than the guard accepts, plus one byte for it to refuse the body as too large (413),
    // instead of holding whatever size anyone sends in memory before any check
    byte[] body = request.getInputStream().readNBytes(maxBodyBytes + 1);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (String name : Collections.list(request.getHeaderNames())) {
      headers.put(name, new ArrayList<>(Collections.list(request.getHeaders(name))));
    }
    CallbackOutcome outcome = guard.handle(CallbackRequest.of(AUTHORITY, headers, body), PAYLOAD, this::accept);
    if (outcome.accepted() || outcome instanceof CallbackOutcome.Duplicate d && d.httpStatus() == 200) {
      return ResponseEntity.ok(Map.of("outcome", outcome.reason().name()));
    }
    return problems.entity(problems.of(outcome.httpStatus(), outcome.reason().name(),
        "The callback was not accepted (" + outcome.reason().name() + ").", Map.of("decisionId", AuditIds.next()), Map.of()),
        request);
  }

  /**
   * Marks the filing accepted. A callback naming no filing of its tenant, or not matching the filing's submission, is
   * refused for good ({@link InvalidPayloadException}: 400 {@code PAYLOAD_INVALID}), so the authority is not told to
   * redeliver what can never apply; any other failure is {@code HANDLER_FAILED} (500), which a redelivery can get past.
   */
  private void accept(VerifiedCallback<JsonNode> callback) {
    JsonNode p = callback.payload();
    String id = p.get("filingId").asText();
    Filing f = filings.find(id).filter(x -> x.tenant().equals(callback.tenant().value()))
        .orElseThrow(() -> new InvalidPayloadException("the callback names no filing of its tenant"));
    if (!"filing.accepted".equals(p.get("type").asText()) || !p.get("reference").asText().equals(f.reference())) {
      throw new InvalidPayloadException("the callback does not match the filing's submission");
    }
    filings.update(id, Filing::accepted);
  }
}
