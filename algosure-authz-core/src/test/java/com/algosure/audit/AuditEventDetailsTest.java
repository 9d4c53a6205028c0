package com.algosure.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * An event keeps its details as one array and shows them as a read-only map: whatever the builder was asked,
 * the map, the event's text and its JSON line are what a {@code LinkedHashMap} of the same details gave.
 */
class AuditEventDetailsTest {

  private static final String[] NAMES = {"decisionId", "stage", "matchedRole", "attempt", "status", "a", "b", "c",
      "d", "e", "f", "g", "h", "i", "j"};
  private static final String[] VALUES = {"1", "two", "quote\"d", "back\\slash", "new\nline", "üñï©ødé", "\u0001",
      "</script>", "", "x"};

  /** The map the builder used to keep, fed the same calls. */
  private static Map<String, String> reference(List<String[]> calls) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String[] c : calls) {
      if (c[1] != null) {
        m.put(c[0], c[1]);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /** The JSON line as the SLF4J sink used to write it: a LinkedHashMap handed to Jackson. */
  private static String referenceJson(AuditEvent e, Map<String, String> details) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.put("type", e.type().name());
    m.put("timestamp", e.timestamp().toString());
    m.put("outcome", e.outcome());
    e.tenant().ifPresent(v -> m.put("tenant", v));
    e.organization().ifPresent(v -> m.put("organization", v));
    e.actorId().ifPresent(v -> m.put("actor", v));
    e.actorKind().ifPresent(v -> m.put("actorKind", v));
    e.action().ifPresent(v -> m.put("action", v));
    e.resource().ifPresent(v -> m.put("resource", v));
    e.provider().ifPresent(v -> m.put("provider", v));
    e.correlationId().ifPresent(v -> m.put("correlationId", v));
    if (!e.reasons().isEmpty()) {
      m.put("reasons", e.reasons());
    }
    if (!details.isEmpty()) {
      m.put("details", details);
    }
    return new ObjectMapper().writeValueAsString(m);
  }

  /**
   * The map's text as the event writes it: a map's {@code toString}, with each name and value that is not a plain word
   * quoted and escaped, so that {@code new\nline} cannot break the line.
   */
  private static String text(Map<String, String> details) {
    java.util.StringJoiner j = new java.util.StringJoiner(", ", "{", "}");
    details.forEach((k, v) -> j.add(word(k) + "=" + word(v)));
    return j.toString();
  }

  private static String word(String s) {
    if (s.matches("[\\p{L}\\p{Nd}._:@/+-]+")) {
      return s;
    }
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\u0001", "\\u0001")
        + "\"";
  }

  private static Optional<String> maybe(Random r, String value) {
    return r.nextInt(3) == 0 ? Optional.empty() : Optional.of(value);
  }

  @Test
  void detailsWhenAnySequenceOfCallsThenMapTextAndJsonAreThoseOfALinkedHashMap() throws Exception {
    Random r = new Random(2026);
    for (int round = 0; round < 2_000; round++) {
      AuditEvent.Builder b = AuditEvent.builder(AuditEventType.values()[r.nextInt(AuditEventType.values().length)],
          Instant.ofEpochSecond(r.nextInt(2_000_000_000), r.nextInt(1_000_000_000))).outcome("OUT" + r.nextInt(3));
      Consumer<String> none = v -> { };
      maybe(r, "acme").ifPresent(b::tenant);
      maybe(r, "sales \"east\"").ifPresent(b::organization);
      maybe(r, "alice").ifPresent(v -> b.actor(v, r.nextBoolean() ? "user" : null));
      maybe(r, "filings:read").ifPresent(b::action);
      maybe(r, "filing/f-1").ifPresent(b::resource);
      maybe(r, "stripe").ifPresent(b::provider);
      maybe(r, "corr\t1").ifPresent(b::correlationId);
      maybe(r, "x").ifPresent(none);
      if (r.nextBoolean()) {
        b.reasons(r.nextBoolean() ? List.of("PERMITTED") : List.of("PERMITTED", "APPROVED"));
      }
      List<String[]> calls = new java.util.ArrayList<>();
      for (int k = 0, n = r.nextInt(14); k < n; k++) {
        String name = NAMES[r.nextInt(NAMES.length)];
        String value = r.nextInt(6) == 0 ? null : VALUES[r.nextInt(VALUES.length)];
        calls.add(new String[] {name, value});
        b.detail(name, value);
      }
      AuditEvent e = b.build();
      Map<String, String> expected = reference(calls);

      assertThat(e.details()).isEqualTo(expected).hasSameHashCodeAs(expected).hasToString(expected.toString());
      assertThat(expected).isEqualTo(e.details());
      assertThat(List.copyOf(e.details().entrySet())).isEqualTo(List.copyOf(expected.entrySet()));
      assertThat(List.copyOf(e.details().keySet())).isEqualTo(List.copyOf(expected.keySet()));
      assertThat(List.copyOf(e.details().values())).isEqualTo(List.copyOf(expected.values()));
      for (String name : NAMES) {
        assertThat(e.details().get(name)).isEqualTo(expected.get(name));
        assertThat(e.details().containsKey(name)).isEqualTo(expected.containsKey(name));
      }
      assertThat(e.toString()).contains(expected.isEmpty() ? ", at=" : ", details=" + text(expected) + ", at=");
      assertThat(Slf4jAuditSink.toJson(e)).isEqualTo(referenceJson(e, expected));
    }
  }

  @Test
  void detailsWhenNoneThenAnEmptyMapAndNoDetailsInTextOrJson() {
    AuditEvent e = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK").detail("a", null).build();

    assertThat(e.details()).isEqualTo(Map.of());
    assertThat(e.toString()).doesNotContain("details");
    assertThat(Slf4jAuditSink.toJson(e)).doesNotContain("details");
  }

  @Test
  void detailsWhenAskedTwiceThenTheSameMap() {
    AuditEvent e = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK").detail("a", "1").build();

    assertThat(e.details()).isSameAs(e.details());
  }

  @Test
  void detailsWhenChangedInAnyWayThenUnsupported() {
    Map<String, String> d = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK")
        .detail("a", "1").detail("b", "2").build().details();

    List<Runnable> changes = List.of(() -> d.put("c", "3"), () -> d.put("a", "9"), () -> d.remove("a"),
        () -> d.putAll(Map.of("c", "3")), d::clear, () -> d.putIfAbsent("a", "9"), () -> d.putIfAbsent("c", "3"),
        () -> d.remove("a", "1"), () -> d.replace("a", "9"), () -> d.replace("a", "1", "9"),
        () -> d.replaceAll((k, v) -> v), () -> d.computeIfAbsent("c", k -> "3"),
        () -> d.computeIfPresent("a", (k, v) -> "9"), () -> d.compute("a", (k, v) -> "9"),
        () -> d.merge("a", "9", (x, y) -> y), () -> d.entrySet().iterator().next().setValue("9"),
        () -> d.keySet().remove("a"), () -> d.values().clear(), () -> d.entrySet().clear(),
        () -> {
          var it = d.entrySet().iterator();
          it.next();
          it.remove();
        });
    for (Runnable change : changes) {
      assertThatThrownBy(change::run).isInstanceOf(UnsupportedOperationException.class);
    }
    assertThat(d).containsExactly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void builderWhenUsedAgainToReplaceOrAddThenEarlierEventsKeepTheirDetails() {
    AuditEvent.Builder b = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK");
    for (int i = 0; i < 6; i++) {
      b.detail("k" + i, "v" + i);
    }
    AuditEvent first = b.build();
    AuditEvent second = b.detail("k2", "changed").build();
    for (int i = 6; i < 20; i++) {
      b.detail("k" + i, "v" + i);
    }
    AuditEvent third = b.build();

    assertThat(first.details()).hasSize(6).containsEntry("k2", "v2");
    assertThat(second.details()).hasSize(6).containsEntry("k2", "changed");
    assertThat(third.details()).hasSize(20).containsEntry("k2", "changed").containsEntry("k19", "v19");
    assertThat(List.copyOf(third.details().keySet()).subList(0, 3)).containsExactly("k0", "k1", "k2");
  }

  @Test
  void detailWhenNameNullThenNullPointerUnlessTheValueIsNull() {
    AuditEvent.Builder b = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK");

    b.detail(null, null);
    assertThatThrownBy(() -> b.detail(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("name");
  }

  @Test
  void eventWhenReadFromManyThreadsThenEveryThreadSeesTheSameDetails() throws Exception {
    AuditEvent e = AuditEvent.builder(AuditEventType.CUSTOM, Instant.EPOCH).outcome("OK").detail("a", "1")
        .detail("b", "2").build();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Map<String, String>>> seen = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        seen.add(pool.submit(() -> Map.copyOf(e.details())));
      }
      for (java.util.concurrent.Future<Map<String, String>> f : seen) {
        assertThat(f.get()).isEqualTo(Map.of("a", "1", "b", "2"));
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
