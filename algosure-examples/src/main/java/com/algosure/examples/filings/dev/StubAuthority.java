package com.algosure.examples.filings.dev;

import com.algosure.examples.filings.domain.AuthorityClient;
import com.algosure.examples.filings.domain.Receipt;
import com.algosure.examples.filings.domain.Submission;
import com.algosure.integration.spi.Secret;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * DEVELOPMENT ONLY. The authority, in process: it answers submissions with a reference (one per filing), counts
 * how many submissions reached it, and signs the callback it would send, as Standard Webhooks says
 * ({@code v1}, HMAC-SHA256 over {@code id.timestamp.body}). Thread-safe.
 *
 * @since 0.1.0
 */
public final class StubAuthority implements AuthorityClient {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Secret webhookSecret;
  private final Clock clock;
  private final ConcurrentMap<String, String> references = new ConcurrentHashMap<>();
  private final AtomicInteger received = new AtomicInteger();
  private final AtomicInteger sequence = new AtomicInteger();

  /**
   * @param webhookSecret the secret it signs callbacks with ({@code whsec_<base64>})
   * @param clock the clock for the callbacks' timestamps
   */
  public StubAuthority(Secret webhookSecret, Clock clock) {
    this.webhookSecret = webhookSecret;
    this.clock = clock;
  }

  @Override
  public Receipt submit(Submission submission) {
    received.incrementAndGet();
    String reference = references.computeIfAbsent(submission.filingId(),
        id -> String.format("AUTH-%04d", sequence.incrementAndGet()));
    return new Receipt(submission.filingId(), reference);
  }

  /** @return how many submissions reached the authority */
  public int received() {
    return received.get();
  }

  /**
   * The callback the authority sends when it accepts a filing.
   *
   * @param tenant the filing's tenant
   * @param filingId the filing
   * @return the signed callback (headers and the exact body bytes)
   */
  public Callback acceptedCallback(String tenant, String filingId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "filing.accepted");
    body.put("tenant", tenant);
    body.put("filingId", filingId);
    body.put("reference", references.getOrDefault(filingId, "unknown"));
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    String id = "msg_" + UUID.randomUUID();
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    return new Callback(Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(timestamp),
        "webhook-signature", List.of("v1," + sign(id + "." + timestamp + ".", bytes))), bytes);
  }

  private String sign(String prefix, byte[] body) {
    String s = webhookSecret.reveal();
    byte[] key = Base64.getDecoder().decode(s.startsWith("whsec_") ? s.substring(6) : s);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(prefix.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("could not sign the callback", e);
    }
  }

  /**
   * A signed callback as the authority would send it.
   *
   * @param headers the Standard Webhooks headers
   * @param body the exact body bytes
   */
  public record Callback(Map<String, List<String>> headers, byte[] body) {}

  @Override
  public String toString() {
    return "StubAuthority[received=" + received + ", DEVELOPMENT ONLY]";
  }
}
