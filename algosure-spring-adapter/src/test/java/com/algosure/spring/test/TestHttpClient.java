package com.algosure.spring.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Real HTTP requests to a test server on loopback with a bearer token, and answers whose JSON (a body or an
 * RFC 9457 problem) is easy to assert on:
 *
 * <pre>{@code
 * TestHttpClient http = new TestHttpClient(port);
 * TestHttpClient.Response r = http.get("/api/filings", token, "X-Organization-Id", "sales");
 * assertThat(r.status()).isEqualTo(403);
 * assertThat(r.json().path("reason").asText()).isEqualTo("ORGANIZATION_AMBIGUOUS");
 * }</pre>
 *
 * <p>Thread-safe.
 *
 * @since 0.1.0
 */
public final class TestHttpClient {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;

  /** @param port the server's port on 127.0.0.1 */
  public TestHttpClient(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * An answer.
   *
   * @param status the status
   * @param headers the headers
   * @param body the body as text
   */
  public record Response(int status, Map<String, List<String>> headers, String body) {

    /** @param name a header (any case) @return its first value, or null */
    public @Nullable String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }

    /** @return the body as JSON (a missing node for an empty body) */
    public JsonNode json() {
      try {
        return body.isEmpty() ? JSON.missingNode() : JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    /** @return the body as a map, for {@code containsEntry} assertions */
    @SuppressWarnings("unchecked")
    public Map<String, Object> map() {
      try {
        return JSON.readValue(body, Map.class);
      } catch (IOException e) {
        throw new AssertionError("not a JSON object: " + body, e);
      }
    }

    /** @return the problem's {@code reason}, or an empty string */
    public String reason() {
      return json().path("reason").asText("");
    }
  }

  /** @param path a path @param token a bearer token or null @param headers name, value, ... @return the answer */
  public Response get(String path, @Nullable String token, String... headers) {
    return send("GET", path, token, null, headers);
  }

  /** @param path a path @param token a bearer token or null @param headers name, value, ... @return the answer */
  public Response post(String path, @Nullable String token, String... headers) {
    return send("POST", path, token, null, headers);
  }

  /**
   * @param path a path
   * @param token a bearer token or null
   * @param json a JSON body
   * @param headers name, value, ...
   * @return the answer
   */
  public Response postJson(String path, @Nullable String token, String json, String... headers) {
    return send("POST", path, token, json, headers);
  }

  /**
   * @param path a path
   * @param token a bearer token or null
   * @param form an {@code application/x-www-form-urlencoded} body, such as {@code org=sales}
   * @param headers name, value, ...
   * @return the answer
   */
  public Response postForm(String path, @Nullable String token, String form, String... headers) {
    return send("POST", path, token, form, "application/x-www-form-urlencoded", headers);
  }

  private Response send(String method, String path, @Nullable String token, @Nullable String json, String... headers) {
    return send(method, path, token, json, "application/json", headers);
  }

  private Response send(String method, String path, @Nullable String token, @Nullable String body, String contentType,
      String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", contentType);
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new AssertionError("request failed: " + method + " " + path, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
