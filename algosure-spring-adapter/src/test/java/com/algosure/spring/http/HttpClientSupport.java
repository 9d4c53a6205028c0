package com.algosure.spring.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Real HTTP requests to the test server on loopback, with JSON answers read into maps. */
final class HttpClientSupport {

  private static final HttpClient CLIENT = HttpClient.newHttpClient();
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final int port;

  HttpClientSupport(int port) {
    this.port = port;
  }

  record Response(int status, Map<String, List<String>> headers, String body) {
    @Nullable String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> json() {
      try {
        return JSON.readValue(body, Map.class);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }
  }

  Response get(String path, @Nullable String token, String... headers) {
    return send("GET", path, token, headers);
  }

  Response post(String path, @Nullable String token, String... headers) {
    return send("POST", path, token, headers);
  }

  Response send(String method, String path, @Nullable String token, String... headers) {
    List<String> all = new ArrayList<>(List.of(headers));
    if (token != null) {
      all.add("Authorization");
      all.add("Bearer " + token);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < all.size(); i += 2) {
      b.header(all.get(i), all.get(i + 1));
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
