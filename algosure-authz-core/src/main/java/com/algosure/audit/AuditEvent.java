package com.algosure.audit;

import java.time.Instant;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One audit record: who did what, where, with which outcome and why. Values are ids, codes and safe
 * details; an event never carries a token, a secret, a raw body or personal data the host has not marked
 * safe.
 *
 * <p>Immutable and thread-safe. Build with {@link #builder(AuditEventType, Instant)}. The details are kept as
 * the builder collected them, name after value in one array, and {@link #details()} is a read-only map over
 * that array, made the first time it is asked for: building an event makes no map and no map entries.
 *
 * @since 0.1.0
 */
public final class AuditEvent {

  // a fresh id is reserved when the event is built and written when first asked for (racy but safe: every
  // writer writes an equal String), so a sink that queues events or keeps only some writes no id it never uses
  private final long sequence;
  private @Nullable String id;
  private final AuditEventType type;
  private final Instant timestamp;
  private final String outcome;
  private final @Nullable String tenant;
  private final @Nullable String organization;
  private final @Nullable String actorId;
  private final @Nullable String actorKind;
  private final @Nullable String action;
  private final @Nullable String resource;
  private final @Nullable String provider;
  private final @Nullable String correlationId;
  private final List<String> reasons;
  /** Names at even, values at odd indexes, in the order first added; the first {@code 2 * detailCount} slots. */
  private final String[] details;
  private final int detailCount;
  // made when first asked for; racy but safe: the view has only final fields, so any thread sees it complete
  private @Nullable Map<String, String> detailsView;

  private AuditEvent(Builder b) {
    this.id = b.id;
    this.sequence = b.id == null ? AuditIds.nextSequence() : 0;
    this.type = b.type;
    this.timestamp = b.timestamp;
    this.outcome = Objects.requireNonNull(b.outcome, "outcome must be set");
    this.tenant = b.tenant;
    this.organization = b.organization;
    this.actorId = b.actorId;
    this.actorKind = b.actorKind;
    this.action = b.action;
    this.resource = b.resource;
    this.provider = b.provider;
    this.correlationId = b.correlationId;
    this.reasons = List.copyOf(b.reasons);
    // the event shares the builder's array; a builder used again copies it first (copy on write)
    this.detailCount = b.detailCount;
    this.details = b.share();
  }

  /**
   * A new builder.
   *
   * @param type what the event records
   * @param timestamp when it happened
   * @return the builder
   */
  public static Builder builder(AuditEventType type, Instant timestamp) {
    return new Builder(type, timestamp);
  }

  /** @return the event's unique id */
  public String id() {
    String i = id;
    if (i == null) {
      i = AuditIds.of(sequence);
      id = i;
    }
    return i;
  }

  /** @return what the event records */
  public AuditEventType type() {
    return type;
  }

  /** @return when it happened */
  public Instant timestamp() {
    return timestamp;
  }

  /** @return the outcome, such as {@code PERMIT}, {@code DENY}, {@code ACCEPTED} or {@code FAILED} */
  public String outcome() {
    return outcome;
  }

  /** @return the tenant, where known */
  public Optional<String> tenant() {
    return Optional.ofNullable(tenant);
  }

  /** @return the organization, where known */
  public Optional<String> organization() {
    return Optional.ofNullable(organization);
  }

  /** @return the actor's subject id, where known */
  public Optional<String> actorId() {
    return Optional.ofNullable(actorId);
  }

  /** @return the actor's kind ({@code user}, {@code service-account}, {@code agent}), where known */
  public Optional<String> actorKind() {
    return Optional.ofNullable(actorKind);
  }

  /** @return the action, where there is one */
  public Optional<String> action() {
    return Optional.ofNullable(action);
  }

  /** @return the resource, where there is one */
  public Optional<String> resource() {
    return Optional.ofNullable(resource);
  }

  /** @return the external provider, for integration events */
  public Optional<String> provider() {
    return Optional.ofNullable(provider);
  }

  /** @return the correlation id, where the caller gave one */
  public Optional<String> correlationId() {
    return Optional.ofNullable(correlationId);
  }

  /** @return machine-readable reason codes */
  public List<String> reasons() {
    return reasons;
  }

  /**
   * @return further safe details (decision id, matched role, attempt, status, hashes, references): an
   *     unmodifiable map in the order the details were first added
   */
  public Map<String, String> details() {
    if (detailCount == 0) {
      return Map.of();
    }
    Map<String, String> v = detailsView;
    if (v == null) {
      v = new Details(details, detailCount);
      detailsView = v;
    }
    return v;
  }

  /** @return how many details the event has, without making the map view */
  int detailCount() {
    return detailCount;
  }

  /** @param i an index below {@link #detailCount()} @return the name of the i-th detail */
  String detailName(int i) {
    return details[2 * i];
  }

  /** @param i an index below {@link #detailCount()} @return the value of the i-th detail */
  String detailValue(int i) {
    return details[2 * i + 1];
  }

  /**
   * The event as one line of text, for logs and debugging: {@code AuditEvent[TYPE OUTCOME, id=..., name=value, ...,
   * at=...]}. A value made only of letters, digits and {@code . _ : @ / + -} is written as it is; any other is
   * quoted, with quotes, backslashes and line breaks escaped and every other control, line or paragraph separator
   * and format character (beyond the Basic Multilingual Plane too, such as the invisible tag characters) and every
   * unpaired surrogate written as unicode escapes, so no value can break the line or pass for another field.
   */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("AuditEvent[").append(type).append(' ');
    text(s, outcome).append(", id=");
    text(s, id());
    append(s, "tenant", tenant);
    append(s, "organization", organization);
    append(s, "actor", actorId);
    append(s, "actorKind", actorKind);
    append(s, "action", action);
    append(s, "resource", resource);
    append(s, "provider", provider);
    append(s, "correlationId", correlationId);
    if (!reasons.isEmpty()) {
      s.append(", reasons=[");
      for (int i = 0; i < reasons.size(); i++) {
        text(i == 0 ? s : s.append(", "), reasons.get(i));
      }
      s.append(']');
    }
    if (detailCount > 0) {
      s.append(", details={");
      for (int i = 0; i < detailCount; i++) {
        text(i == 0 ? s : s.append(", "), details[2 * i]).append('=');
        text(s, details[2 * i + 1]);
      }
      s.append('}');
    }
    return s.append(", at=").append(timestamp).append(']').toString();
  }

  private static void append(StringBuilder s, String name, @Nullable String value) {
    if (value != null) {
      text(s.append(", ").append(name).append('='), value);
    }
  }

  /** Appends a value as it is if it is a plain word, else quoted and escaped. */
  private static StringBuilder text(StringBuilder s, String value) {
    boolean plain = !value.isEmpty();
    for (int i = 0; plain && i < value.length(); i++) {
      char c = value.charAt(i);
      plain = Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == ':' || c == '@' || c == '/' || c == '+'
          || c == '-';
    }
    if (plain) {
      return s.append(value);
    }
    s.append('"');
    // by code point: a format character beyond the BMP (the invisible tag characters) is a surrogate pair, whose halves
    // judged alone passed as ordinary characters
    for (int i = 0; i < value.length(); ) {
      int cp = value.codePointAt(i); // an unpaired surrogate comes back as itself, of type SURROGATE
      int n = Character.charCount(cp);
      switch (cp) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          int t = Character.getType(cp);
          if (t == Character.CONTROL || t == Character.FORMAT || t == Character.LINE_SEPARATOR
              || t == Character.PARAGRAPH_SEPARATOR || t == Character.SURROGATE) {
            for (int j = i; j < i + n; j++) {
              s.append(String.format("\\u%04x", (int) value.charAt(j)));
            }
          } else {
            s.append(value, i, i + n);
          }
        }
      }
      i += n;
    }
    return s.append('"');
  }

  private static final String[] NO_DETAILS = new String[0];

  /**
   * The details as a read-only map over the event's array: equal to (and with the same hash code and text as)
   * a {@code LinkedHashMap} holding the same details. Every method that would change it throws.
   */
  private static final class Details extends AbstractMap<String, String> {
    private final String[] pairs;
    private final int size;

    Details(String[] pairs, int size) {
      this.pairs = pairs;
      this.size = size;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public @Nullable String get(@Nullable Object key) {
      String[] p = pairs;
      for (int i = 0, n = 2 * size; i < n; i += 2) {
        if (p[i].equals(key)) {
          return p[i + 1];
        }
      }
      return null;
    }

    @Override
    public boolean containsKey(@Nullable Object key) {
      return get(key) != null; // values are never null
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, String>> iterator() {
          return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
              return i < size;
            }

            @Override
            public Map.Entry<String, String> next() {
              if (i >= size) {
                throw new NoSuchElementException();
              }
              int at = 2 * i++;
              return Map.entry(pairs[at], pairs[at + 1]);
            }
          };
        }

        @Override
        public int size() {
          return size;
        }
      };
    }

    @Override
    public @Nullable String put(String key, String value) {
      throw readOnly();
    }

    @Override
    public @Nullable String remove(@Nullable Object key) {
      throw readOnly();
    }

    @Override
    public void putAll(Map<? extends String, ? extends String> m) {
      throw readOnly();
    }

    @Override
    public void clear() {
      throw readOnly();
    }

    @Override
    public @Nullable String putIfAbsent(String key, String value) {
      throw readOnly();
    }

    @Override
    public boolean remove(@Nullable Object key, @Nullable Object value) {
      throw readOnly();
    }

    @Override
    public boolean replace(String key, String oldValue, String newValue) {
      throw readOnly();
    }

    @Override
    public @Nullable String replace(String key, String value) {
      throw readOnly();
    }

    @Override
    public void replaceAll(BiFunction<? super String, ? super String, ? extends String> function) {
      throw readOnly();
    }

    @Override
    public String computeIfAbsent(String key, Function<? super String, ? extends String> mappingFunction) {
      throw readOnly();
    }

    @Override
    public @Nullable String computeIfPresent(String key,
        BiFunction<? super String, ? super String, ? extends @Nullable String> remappingFunction) {
      throw readOnly();
    }

    @Override
    public @Nullable String compute(String key,
        BiFunction<? super String, ? super @Nullable String, ? extends @Nullable String> remappingFunction) {
      throw readOnly();
    }

    @Override
    public @Nullable String merge(String key, String value,
        BiFunction<? super String, ? super String, ? extends @Nullable String> remappingFunction) {
      throw readOnly();
    }

    private static UnsupportedOperationException readOnly() {
      return new UnsupportedOperationException("the details of an audit event cannot be changed");
    }
  }

  /** Builds an {@link AuditEvent}; not thread-safe. */
  public static final class Builder {
    private @Nullable String id;
    private final AuditEventType type;
    private final Instant timestamp;
    private @Nullable String outcome;
    private @Nullable String tenant;
    private @Nullable String organization;
    private @Nullable String actorId;
    private @Nullable String actorKind;
    private @Nullable String action;
    private @Nullable String resource;
    private @Nullable String provider;
    private @Nullable String correlationId;
    private List<String> reasons = List.of();
    private String[] details = NO_DETAILS;
    private int detailCount;
    private boolean shared;

    private Builder(AuditEventType type, Instant timestamp) {
      this.type = Objects.requireNonNull(type, "type");
      this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    }

    /** @param id the event's id (default: a fresh unique id) @return this builder */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** @param outcome the outcome @return this builder */
    public Builder outcome(String outcome) {
      this.outcome = Objects.requireNonNull(outcome, "outcome");
      return this;
    }

    /** @param tenant the tenant, or null @return this builder */
    public Builder tenant(@Nullable String tenant) {
      this.tenant = tenant;
      return this;
    }

    /** @param organization the organization, or null @return this builder */
    public Builder organization(@Nullable String organization) {
      this.organization = organization;
      return this;
    }

    /** @param id the actor's subject id, or null @param kind the actor's kind, or null @return this builder */
    public Builder actor(@Nullable String id, @Nullable String kind) {
      this.actorId = id;
      this.actorKind = kind;
      return this;
    }

    /** @param action the action, or null @return this builder */
    public Builder action(@Nullable String action) {
      this.action = action;
      return this;
    }

    /** @param resource the resource, or null @return this builder */
    public Builder resource(@Nullable String resource) {
      this.resource = resource;
      return this;
    }

    /** @param provider the provider, or null @return this builder */
    public Builder provider(@Nullable String provider) {
      this.provider = provider;
      return this;
    }

    /** @param correlationId the correlation id, or null @return this builder */
    public Builder correlationId(@Nullable String correlationId) {
      this.correlationId = correlationId;
      return this;
    }

    /** @param reasons the reason codes @return this builder */
    public Builder reasons(List<String> reasons) {
      this.reasons = List.copyOf(reasons);
      return this;
    }

    /**
     * Adds a safe detail; a null value is left out.
     *
     * @param name the detail's name
     * @param value its value: an id, a code, a count, a hash or a reference; never a secret or a raw body
     * @return this builder
     */
    public Builder detail(String name, @Nullable String value) {
      if (value != null) {
        Objects.requireNonNull(name, "name");
        String[] d = details;
        int n = 2 * detailCount;
        for (int i = 0; i < n; i += 2) {
          if (d[i].equals(name)) { // as a map would: the value replaced, the detail keeps its place
            writable(n)[i + 1] = value;
            return this;
          }
        }
        d = writable(n + 2);
        d[n] = name;
        d[n + 1] = value;
        detailCount++;
      }
      return this;
    }

    /** The array to write, with room for {@code size} slots: a copy if it is shared with an event or too small. */
    private String[] writable(int size) {
      String[] d = details;
      if (shared || size > d.length) {
        d = Arrays.copyOf(d, Math.max(size > d.length ? Math.max(8, 2 * d.length) : d.length, size));
        details = d;
        shared = false;
      }
      return d;
    }

    private String[] share() {
      shared = true;
      return details;
    }

    /** @return the event */
    public AuditEvent build() {
      return new AuditEvent(this);
    }
  }
}
