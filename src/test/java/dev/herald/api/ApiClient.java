package dev.herald.api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A real HTTP client for the API, which remembers every answer for the OpenAPI check. */
final class ApiClient {

  /** One answer, with the route template it came from. */
  record Answer(
      String method, String template, int status, Map<String, List<String>> headers, String body) {
    String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  static final List<Answer> SEEN = java.util.Collections.synchronizedList(new ArrayList<>());
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final String token;

  ApiClient(String base, String token) {
    this.base = base;
    this.token = token;
  }

  ApiClient as(String otherToken) {
    return new ApiClient(base, otherToken);
  }

  Answer post(String body, String... headers) {
    return send("POST", "/v1/notifications", "/v1/notifications", body, headers);
  }

  Answer show(String id) {
    return send("GET", "/v1/notifications/" + id, "/v1/notifications/{id}", null);
  }

  Answer cancel(String id) {
    return send("POST", "/v1/notifications/" + id + "/cancel", "/v1/notifications/{id}/cancel", "");
  }

  Answer get(String path) {
    return send("GET", path, path, null);
  }

  private Answer send(String method, String path, String template, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      Answer a = new Answer(method, template, r.statusCode(), r.headers().map(), r.body());
      SEEN.add(a);
      return a;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
