package com.algosure.examples.filings.walkthrough;

import com.algosure.examples.filings.dev.StubAuthority;
import com.algosure.spring.metrics.AlgosureMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Calls the running example over real HTTP, as its users would, and prints each step: who asks for what, the
 * status, and the decision with its reason. Each step states the answer it expects; {@link #run()} returns the
 * number of steps that answered otherwise (0 when the SDK behaved as documented).
 *
 * <p>Not thread-safe; run once.
 *
 * @since 0.1.0
 */
public final class Walkthrough {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final StubAuthority authority;
  private final MeterRegistry meters;
  private final PrintStream out;
  private final String auditFile;
  private final HttpClient http = HttpClient.newHttpClient();
  private int step;
  private int unexpected;

  /**
   * @param port the example's port
   * @param authority the in-process authority (to send its signed callback)
   * @param meters the metrics, summarized at the end
   * @param out where the walkthrough is printed
   * @param auditFile where the audit trail is written, to point the reader at it
   */
  public Walkthrough(int port, StubAuthority authority, MeterRegistry meters, PrintStream out, String auditFile) {
    this.base = "http://127.0.0.1:" + port;
    this.authority = authority;
    this.meters = meters;
    this.out = out;
    this.auditFile = auditFile;
  }

  /**
   * @return how many steps answered other than expected
   * @throws IOException if the example cannot be reached
   * @throws InterruptedException if interrupted
   */
  public int run() throws IOException, InterruptedException {
    out.println();
    out.println("Algosure filings walkthrough (tokens from the DEVELOPMENT issuer at " + base + "/dev, authority in process)");
    out.println("Tenants: acme (organizations sales, support), globex (hq). alice: sales+support, dave: sales, bob: globex/hq,");
    out.println("root and carol: platform operators (carol has a second factor), billing-worker: a service account.");

    String alice = token("alice", false);
    String dave = token("dave", false);
    String bob = token("bob", false);
    String worker = token("billing-worker", false);

    section("Tenant and organization context");
    call("alice reads the filings of her organization sales", "GET", "/api/filings", alice, null, 200, "X-Organization-Id", "sales");
    call("alice reads without naming an organization: she belongs to two, a guess would be a deny", "GET", "/api/filings",
        alice, null, 403);
    call("alice names hq, an organization of another tenant", "GET", "/api/filings", alice, null, 403, "X-Organization-Id", "hq");
    call("bob (globex) asks for acme's sales filings", "GET", "/api/filings", bob, null, 403, "X-Organization-Id", "sales");

    section("A draft, a service account, an AI agent");
    JsonNode created = call("alice creates a draft in sales", "POST", "/api/filings", alice,
        "{\"title\":\"VAT return Q3\"}", 201, "X-Organization-Id", "sales");
    String id = created == null ? "missing" : created.path("id").asText("missing");
    call("billing-worker (service account) reads sales' filings: bound to filing-viewer in acme", "GET", "/api/filings",
        worker, null, 200, "X-Organization-Id", "sales");
    call("billing-worker tries to create a filing: its client is bound to no role that writes", "POST", "/api/filings",
        worker, "{\"title\":\"invoice\"}", 403, "X-Organization-Id", "sales");
    call("an AI agent drafts the text for alice, under grant grant-vat-q3, task vat-q3", "POST",
        "/api/agent/filings/" + id + "/draft", alice, "{\"text\":\"Turnover 120000, VAT 24000\"}", 200,
        "X-Agent-Grant", "grant-vat-q3", "X-Agent-Task", "vat-q3");
    call("the same agent, working on another task than its grant's", "POST", "/api/agent/filings/" + id + "/draft", alice,
        "{\"text\":\"anything\"}", 403, "X-Agent-Grant", "grant-vat-q3", "X-Agent-Task", "payroll");

    section("A high-impact submission: approval by another person, then the integration guard");
    call("alice submits the filing: high impact, no approval yet", "POST", "/api/filings/" + id + "/submit", alice, null, 428,
        "Idempotency-Key", "submit-" + id);
    call("alice, a clerk who may approve colleagues' filings, approves her own: four eyes say no", "POST",
        "/api/filings/" + id + "/approvals", alice, null, 403);
    JsonNode approval = call("dave, a second member of sales, approves it", "POST", "/api/filings/" + id + "/approvals", dave,
        null, 201);
    String approvalId = approval == null ? "missing" : approval.path("approvalId").asText("missing");
    call("alice submits with dave's approval and an Idempotency-Key: consent GOVERNMENT_RECORDS checked, authority called",
        "POST", "/api/filings/" + id + "/submit", alice, null, 200, "Idempotency-Key", "submit-" + id,
        "X-Approval-Id", approvalId);
    call("alice's client retries the same submission (same key): the first receipt is replayed", "POST",
        "/api/filings/" + id + "/submit", alice, null, 200, "Idempotency-Key", "submit-" + id, "X-Approval-Id", approvalId);
    out.println("    the authority received " + authority.received() + " submission(s) for those two calls");

    section("The authority's signed callback (Standard Webhooks)");
    StubAuthority.Callback callback = authority.acceptedCallback("acme", id);
    callback("the authority calls back: the filing is accepted", callback.headers(), callback.body(), 200);
    call("alice reads the filing", "GET", "/api/filings/" + id, alice, null, 200);
    byte[] tampered = new String(callback.body(), StandardCharsets.UTF_8).replace(id, "f-00000000").getBytes(StandardCharsets.UTF_8);
    callback("someone replays the callback with another filing id in the body", callback.headers(), tampered, 401);

    section("Expired credentials and cross-tenant administration");
    call("alice with an expired token", "GET", "/api/filings", token("alice-expired", false), null, 401, "X-Organization-Id", "sales");
    call("root, a platform operator who signed in with a password only, administers acme", "GET",
        "/api/admin/tenants/acme/filings", token("root", false), null, 428);
    call("carol, a platform operator who signed in with a second factor, administers acme", "GET",
        "/api/admin/tenants/acme/filings", token("carol", true), null, 200);
    call("alice, an ordinary member, on the administration endpoint", "GET", "/api/admin/tenants/acme/filings", alice, null, 403);

    summary();
    return unexpected;
  }

  private void section(String title) {
    out.println();
    out.println("== " + title);
  }

  private String token(String user, boolean mfa) throws IOException, InterruptedException {
    boolean expired = user.endsWith("-expired");
    String name = expired ? user.substring(0, user.length() - "-expired".length()) : user;
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/dev/tokens/" + name + "?mfa=" + mfa
        + "&expired=" + expired)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("the development issuer minted no token for " + name + ": " + r.statusCode());
    }
    return JSON.readTree(r.body()).path("access_token").asText();
  }

  private @Nullable JsonNode call(String what, String method, String path, String token, @Nullable String body, int expected,
      String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Authorization", "Bearer " + token);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      shown.add(headers[i] + ": " + headers[i + 1]);
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return report(what, method + " " + path + (shown.isEmpty() ? "" : "  " + shown), r, expected, true);
  }

  private void callback(String what, Map<String, List<String>> headers, byte[] body, int expected)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/callbacks/authority"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
    headers.forEach((k, v) -> v.forEach(x -> b.header(k, x)));
    // a callback is authenticated by its signature, not authorized by the decision point: no decision to print
    report(what, "POST /api/callbacks/authority  [webhook-id, webhook-timestamp, webhook-signature]",
        http.send(b.build(), HttpResponse.BodyHandlers.ofString()), expected, false);
  }

  private @Nullable JsonNode report(String what, String request, HttpResponse<String> r, int expected, boolean decided)
      throws IOException {
    JsonNode json = r.body().isEmpty() ? null : JSON.readTree(r.body());
    String decision;
    if (r.statusCode() < 300) {
      decision = (decided ? "PERMIT" : "") + detail(json);
    } else {
      String reason = json == null ? "" : json.path("reason").asText("");
      String id = json == null ? "" : json.path("decisionId").asText("");
      // only a problem with an effect comes from a decision (audited under that id); a refused token or callback was
      // refused before any decision, and its problem's id names no decision
      String kind = json != null && json.has("effect") ? "decision " : "problem ";
      decision = effect(r.statusCode(), decided, json) + " " + reason + (id.isEmpty() ? "" : "   (" + kind + id + ")");
    }
    boolean ok = r.statusCode() == expected;
    if (!ok) {
      unexpected++;
    }
    out.printf("%n%2d. %s%n    %s%n    -> %d %s%s%n", ++step, what, request, r.statusCode(), decision,
        ok ? "" : "   <-- UNEXPECTED, expected " + expected);
    return json;
  }

  private static String effect(int status, boolean decided, @Nullable JsonNode json) {
    if (!decided) {
      return "REFUSED";
    }
    if (json != null && "STEP_UP_REQUIRED".equals(json.path("effect").asText())) {
      return "STEP-UP REQUIRED"; // a 428 with the RFC 9470 challenge: a token with a second factor would pass
    }
    switch (status) {
      case 401:
        return "UNAUTHENTICATED";
      case 428:
        return "APPROVAL REQUIRED";
      case 403:
        return "DENY";
      default:
        return "REFUSED";
    }
  }

  private static String detail(@Nullable JsonNode json) {
    if (json == null) {
      return "";
    }
    if (json.isArray()) {
      return "   " + json.size() + " filing(s)";
    }
    if (json.has("state")) {
      return "   filing " + json.path("id").asText() + " is " + json.path("state").asText()
          + (json.path("draftedBy").isTextual() ? ", drafted by " + json.path("draftedBy").asText() : "");
    }
    if (json.has("approvalId")) {
      return "   approval " + json.path("approvalId").asText() + " (requested by " + json.path("requestedBy").asText()
          + ", approved by " + json.path("approvedBy").asText() + ")";
    }
    if (json.has("reference")) {
      return "   authority reference " + json.path("reference").asText()
          + (json.path("replayed").asBoolean(false) ? ", REPLAYED (no second submission)" : "");
    }
    if (json.has("outcome")) {
      return "callback " + json.path("outcome").asText();
    }
    return "";
  }

  private void summary() {
    out.println();
    out.println("== Decisions recorded by the metrics (" + AlgosureMetrics.DECISIONS + ")");
    Map<String, Long> byOutcome = new TreeMap<>();
    for (Timer t : meters.find(AlgosureMetrics.DECISIONS).timers()) {
      byOutcome.merge(t.getId().getTag("effect") + " " + t.getId().getTag("reason"), t.count(), Long::sum);
    }
    byOutcome.forEach((k, v) -> out.printf("    %-45s %d%n", k, v));
    out.println("== Guarded integration calls (" + AlgosureMetrics.INTEGRATION_OUTCOMES + ")");
    Map<String, Long> calls = new TreeMap<>();
    for (Timer t : meters.find(AlgosureMetrics.INTEGRATION_OUTCOMES).timers()) {
      calls.merge(t.getId().getTag("provider") + " " + t.getId().getTag("outcome"), t.count(), Long::sum);
    }
    calls.forEach((k, v) -> out.printf("    %-45s %d%n", k, v));
    out.println();
    out.println(unexpected == 0 ? "Every step answered as expected." : unexpected + " step(s) answered unexpectedly.");
    out.println("The audit trail (one JSON line per decision, integration step and callback) is in " + auditFile);
  }
}
