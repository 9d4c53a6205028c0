package com.algosure.integration.spi;

import com.algosure.integration.IntegrationOutcome;
import com.algosure.integration.StoredOutcome;
import com.algosure.integration.inbound.CallbackOutcome;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The default outcome codec of the distributed {@link IdempotencyStore}s (JDBC, Redis): keeps what a replay
 * may show and nothing else: the outcome's kind, reason, attempts, status, safe fields and evidence or
 * escalation references. Never the accepted value, the request or its payload. Decodes to an unmodifiable
 * {@code Map<String, Object>}.
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class OutcomeSummary {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OutcomeSummary() {}

  /**
   * @param outcome an {@link IntegrationOutcome}, a {@link StoredOutcome} (what the guard completes keys
   *     with; the same summary as of its outcome) or a {@link CallbackOutcome}
   * @return the summary as JSON
   */
  public static String encode(Object outcome) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (outcome instanceof IntegrationOutcome<?> o) {
      m.put("outcome", "integration");
      m.put("kind", o.kind().name());
      m.put("reason", o.reason().name());
      if (o instanceof IntegrationOutcome.Accepted<?> a) {
        m.put("attempts", a.attempts());
        m.put("status", a.status());
        m.put("safeFields", a.safeFields());
      } else if (o instanceof IntegrationOutcome.Rejected<?> r) {
        r.evidenceRef().ifPresent(ref -> m.put("evidenceRef", ref));
      } else if (o instanceof IntegrationOutcome.Escalated<?> e) {
        m.put("attempts", e.attempts());
        m.put("escalationId", e.escalationId());
        m.put("evidenceRef", e.evidenceRef());
      }
    } else if (outcome instanceof StoredOutcome s) {
      // what the guard completes keys with: the same summary as of the outcome it was made from
      m.put("outcome", "integration");
      m.put("kind", s.kind().name());
      m.put("reason", s.reason().name());
      if (s.kind() == IntegrationOutcome.Kind.ACCEPTED) {
        m.put("attempts", s.attempts());
        m.put("status", s.status());
        m.put("safeFields", s.safeFields());
      } else if (s.kind() == IntegrationOutcome.Kind.REJECTED) {
        s.evidenceRef().ifPresent(ref -> m.put("evidenceRef", ref));
      } else if (s.kind() == IntegrationOutcome.Kind.ESCALATED) {
        m.put("attempts", s.attempts());
        m.put("escalationId", s.escalationId().orElseThrow());
        m.put("evidenceRef", s.evidenceRef().orElseThrow());
      }
    } else if (outcome instanceof CallbackOutcome c) {
      m.put("outcome", "callback");
      m.put("type", c.getClass().getSimpleName());
    } else {
      m.put("outcome", outcome.getClass().getName());
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("outcome summary could not be written as JSON", e);
    }
  }

  /**
   * @param stored a summary written by {@link #encode(Object)}
   * @return the summary as an unmodifiable map
   * @throws IllegalArgumentException if the text is not such a summary
   */
  public static Object decode(String stored) {
    try {
      return Collections.unmodifiableMap(JSON.readValue(stored, new TypeReference<LinkedHashMap<String, Object>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("stored outcome is not a summary written by this store", e);
    }
  }
}
