package com.algosure.examples.filings.web;

import com.algosure.authz.spi.Approval;
import com.algosure.examples.filings.domain.Filing;
import com.algosure.examples.filings.domain.FilingRepository;
import com.algosure.examples.filings.domain.FilingService;
import com.algosure.examples.filings.domain.Receipt;
import com.algosure.integration.IntegrationOutcome;
import com.algosure.spring.GuardedCall;
import com.algosure.spring.InvalidRequestContextException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The filings API. The active organization is the {@code X-Organization-Id} header, an approval is presented in
 * {@code X-Approval-Id}, a submission carries an {@code Idempotency-Key}. Every decision is the decision
 * point's; a refusal is an RFC 9457 problem response. A filing of a tenant the caller has no access to is answered
 * 404, as an unknown id is.
 *
 * @since 0.1.0
 */
@RestController
public class FilingsController {

  private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final FilingService service;
  private final FilingRepository filings;
  private final OtherTenants others;

  /**
   * @param service the filings service
   * @param filings the filings
   * @param others answers another tenant's filing as an unknown one
   */
  public FilingsController(FilingService service, FilingRepository filings, OtherTenants others) {
    this.service = service;
    this.filings = filings;
    this.others = others;
  }

  /** @return the active organization's filings */
  @GetMapping("/api/filings")
  public List<Filing> list() {
    return service.list();
  }

  /** @param body {@code {"title": "..."}} @return the new draft, 201 */
  @PostMapping("/api/filings")
  public ResponseEntity<Filing> create(@RequestBody Map<String, String> body) {
    String title = Objects.requireNonNullElse(body.get("title"), "").strip(); // a JSON null is an absent title
    if (title.isEmpty() || title.length() > 200) {
      throw new org.springframework.web.server.ResponseStatusException(HttpStatus.BAD_REQUEST, "a title of 1 to 200 characters is required");
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(service.create(title));
  }

  /**
   * @param id a filing's id
   * @return the filing
   * @throws Exception never for a refusal (it becomes a problem response)
   */
  @GetMapping("/api/filings/{id}")
  public Filing read(@PathVariable String id) throws Exception {
    Filing filing = find(id);
    return others.hidden(filing, () -> service.read(filing));
  }

  /**
   * @param id a filing's id
   * @return the approval, 201: its id is what the submission presents
   * @throws Exception never for a refusal (it becomes a problem response)
   */
  @PostMapping("/api/filings/{id}/approvals")
  public ResponseEntity<Map<String, Object>> approve(@PathVariable String id) throws Exception {
    Filing filing = find(id);
    Approval a = others.hidden(filing, () -> service.approve(filing));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("approvalId", a.id());
    body.put("filingId", id);
    body.put("requestedBy", a.requestedBy());
    body.put("approvedBy", a.approvedBy());
    body.put("expiresAt", a.expiresAt().toString());
    return ResponseEntity.status(HttpStatus.CREATED).body(body);
  }

  /**
   * @param id a filing's id
   * @param request the request, whose one {@code Idempotency-Key} header is the submission's key (required; two
   *     different ones are a 400 problem, {@code REQUEST_CONTEXT_INVALID}, rather than one joined key)
   * @return the authority's receipt; {@code Idempotent-Replayed: true} when it is the first submission's again (a
   *     filing submitted under another key is a 409 problem, {@code FILING_SUBMITTED}: it is never sent twice)
   * @throws Exception never for the authority's failures (they become problem responses)
   */
  @PostMapping("/api/filings/{id}/submit")
  public ResponseEntity<Map<String, Object>> submit(@PathVariable String id, HttpServletRequest request) throws Exception {
    Filing filing = find(id);
    Receipt r = others.hidden(filing, () -> service.submit(filing, idempotencyKey(request)));
    boolean replayed = GuardedCall.lastOutcome().map(o -> o.kind() == IntegrationOutcome.Kind.DUPLICATE).orElse(false);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("filingId", r.filingId());
    body.put("reference", r.reference());
    body.put("replayed", replayed);
    return ResponseEntity.ok().header("Idempotent-Replayed", Boolean.toString(replayed)).body(body);
  }

  /** The request's one Idempotency-Key, or null; Spring would join two of them into one key that neither names. */
  private static @Nullable String idempotencyKey(HttpServletRequest request) {
    List<String> keys = Collections.list(request.getHeaders(IDEMPOTENCY_KEY)).stream().distinct().toList();
    if (keys.size() > 1) {
      throw new InvalidRequestContextException("header " + IDEMPOTENCY_KEY, "names more than one key: send exactly one");
    }
    return keys.isEmpty() ? null : keys.get(0);
  }

  private Filing find(String id) {
    return filings.find(id).orElseThrow(FilingNotFoundException::new);
  }
}
