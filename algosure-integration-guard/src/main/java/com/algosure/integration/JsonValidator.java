package com.algosure.integration;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NumericNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Jackson-based {@link PayloadValidator} for JSON: a size limit (checked before parsing), a nesting-depth
 * limit, a root object, required fields of given types, and the fields whose values are safe to audit.
 * Duplicate keys and trailing content are rejected (an ambiguous document is not a fact), and so is a number beyond
 * the range of a double, which would be read as infinity.
 *
 * <pre>{@code
 * JsonValidator v = JsonValidator.builder()
 *     .maxBytes(64 * 1024)
 *     .require("id", JsonType.STRING)
 *     .require("/delivery/status", JsonType.STRING)
 *     .safeField("id")
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; field paths are compiled once, when built.
 *
 * @since 0.1.0
 */
public final class JsonValidator implements PayloadValidator<JsonNode> {

  /** How many characters of a safe field's value are kept: the rest is cut off (see {@link Builder#safeField}). */
  static final int SAFE_VALUE_CHARS = 128;

  private final ObjectMapper mapper;
  private final int maxBytes;
  private final boolean requireObject;
  private final List<Field> required;
  private final List<Field> safe;

  private JsonValidator(Builder b) {
    this.maxBytes = b.maxBytes == -1 ? 1024 * 1024 : b.maxBytes;
    this.requireObject = b.requireObject;
    this.required = List.copyOf(b.required);
    this.safe = List.copyOf(b.safe);
    this.mapper = new ObjectMapper(JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(b.maxDepth == -1 ? 32 : b.maxDepth).build())
        .build())
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .setNodeFactory(FiniteNumbers.INSTANCE);
  }

  /** @return a new builder */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Validated<JsonNode> validate(byte[] payload) {
    if (payload.length > maxBytes) {
      throw new InvalidPayloadException("JSON payload is " + payload.length + " bytes, over the limit of " + maxBytes);
    }
    JsonNode root;
    try {
      root = mapper.readTree(payload);
    } catch (JsonProcessingException e) {
      // the parser's own message may quote the payload, so only the position is passed on
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      throw new InvalidPayloadException(at == null ? "payload is not valid JSON (or exceeds the nesting or size limits)"
          : "payload is not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr());
    } catch (IOException e) {
      throw new InvalidPayloadException("payload could not be read as JSON");
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidPayloadException("payload is empty: expected a JSON document");
    }
    if (requireObject && !root.isObject()) {
      throw new InvalidPayloadException("payload must be a JSON object, was " + root.getNodeType());
    }
    for (Field f : required) {
      JsonNode n = root.at(f.pointer);
      if (n.isMissingNode()) {
        throw new InvalidPayloadException("required field " + f.path + " is missing");
      }
      if (!f.type.matches(n)) {
        throw new InvalidPayloadException("field " + f.path + " must be " + f.type + ", was " + n.getNodeType());
      }
    }
    if (safe.isEmpty()) {
      return new Validated<>(root, Map.of());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (Field f : safe) {
      JsonNode n = root.at(f.pointer);
      if (n.isValueNode() && !n.isNull()) {
        String v = n.asText();
        fields.put(f.path, v.length() > SAFE_VALUE_CHARS ? v.substring(0, SAFE_VALUE_CHARS) : v);
      }
    }
    return new Validated<>(root, fields);
  }

  /**
   * The tree's node factory, refusing a number as Jackson parses it when it is beyond the range of a double: JSON has
   * no infinity, but Jackson reads {@code 1e400} as one, a value the provider never sent. The message quotes nothing
   * (no field name of the provider's goes into a message).
   */
  private static final class FiniteNumbers extends JsonNodeFactory {

    private static final long serialVersionUID = 1L;
    static final FiniteNumbers INSTANCE = new FiniteNumbers();

    @Override
    public NumericNode numberNode(double v) {
      return super.numberNode(finite(v));
    }

    @Override
    public NumericNode numberNode(float v) {
      return super.numberNode((float) finite(v));
    }

    private static double finite(double v) {
      if (!Double.isFinite(v)) {
        throw new InvalidPayloadException("payload has a number out of the range of a double (beyond about 1.8e308), "
            + "which would be read as infinity");
      }
      return v;
    }
  }

  /**
   * A validator that also maps the validated tree to a type with Jackson.
   *
   * @param type the type
   * @param <T> the type
   * @return the validator; a mapping failure rejects the payload
   */
  public <T> PayloadValidator<T> as(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return payload -> {
      Validated<JsonNode> v = validate(payload);
      try {
        return new Validated<>(mapper.treeToValue(v.value(), type), v.safeFields());
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new InvalidPayloadException("payload does not map to " + type.getSimpleName());
      }
    };
  }

  @Override
  public String toString() {
    return "JsonValidator[maxBytes=" + maxBytes + ", required=" + required + ", safe=" + safe + "]";
  }

  private static final class Field {
    final String path;
    final JsonPointer pointer;
    final JsonType type;

    Field(String path, JsonType type) {
      this.path = path;
      this.pointer = path.startsWith("/") ? JsonPointer.compile(path) : JsonPointer.compile("/" + escape(path));
      this.type = type;
    }

    private static String escape(String name) {
      return name.replace("~", "~0").replace("/", "~1");
    }

    @Override
    public String toString() {
      return path + ":" + type;
    }
  }

  /**
   * Builds a {@link JsonValidator}. Field paths are a top-level field name ({@code id}) or a JSON Pointer
   * ({@code /delivery/status}). Not thread-safe.
   */
  public static final class Builder {
    private int maxBytes = -1;
    private int maxDepth = -1;
    private boolean requireObject = true;
    private boolean rootSet;
    private final List<Field> required = new ArrayList<>();
    private final List<Field> safe = new ArrayList<>();
    private final java.util.Set<String> names = new java.util.HashSet<>();

    private Builder() {}

    /**
     * @param maxBytes the largest accepted payload (default 1 MiB)
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if below 1
     */
    public Builder maxBytes(int maxBytes) {
      if (this.maxBytes != -1) {
        throw new IllegalStateException("maxBytes was already set");
      }
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be at least 1, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * @param maxDepth the deepest accepted nesting (default 32)
     * @return this builder
     * @throws IllegalStateException if already set
     * @throws IllegalArgumentException if not 1 to 1000
     */
    public Builder maxDepth(int maxDepth) {
      if (this.maxDepth != -1) {
        throw new IllegalStateException("maxDepth was already set");
      }
      if (maxDepth < 1 || maxDepth > 1000) {
        throw new IllegalArgumentException("maxDepth must be 1 to 1000, was " + maxDepth);
      }
      this.maxDepth = maxDepth;
      return this;
    }

    /**
     * @param requireObject whether the root must be an object (default true)
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder requireObjectRoot(boolean requireObject) {
      if (rootSet) {
        throw new IllegalStateException("requireObjectRoot was already set");
      }
      this.rootSet = true;
      this.requireObject = requireObject;
      return this;
    }

    /**
     * @param path a field name or JSON Pointer
     * @param type the type it must have
     * @return this builder
     * @throws IllegalStateException if the field is already required
     * @throws IllegalArgumentException if the path is empty or not a valid pointer
     */
    public Builder require(String path, JsonType type) {
      Objects.requireNonNull(type, "type");
      if (!names.add(check(path))) {
        throw new IllegalStateException("field " + path + " is already required");
      }
      required.add(new Field(path, type));
      return this;
    }

    /**
     * Marks a field whose value is safe to put into the audit record of the accepted fact (an id, a status;
     * never personal data). Values are cut at 128 characters; missing or non-scalar fields are left out.
     *
     * @param path a field name or JSON Pointer
     * @return this builder
     */
    public Builder safeField(String path) {
      safe.add(new Field(check(path), JsonType.ANY));
      return this;
    }

    private static String check(String path) {
      Objects.requireNonNull(path, "path");
      if (path.isEmpty()) {
        throw new IllegalArgumentException("field path must not be empty");
      }
      return path;
    }

    /** @return the validator */
    public JsonValidator build() {
      return new JsonValidator(this);
    }
  }
}
