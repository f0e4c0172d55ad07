package dev.lanes.bench.chaos;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The Lanes API on loopback, as the admin. */
final class Api {

  /** One answer: its status, its {@code Retry-After} (or null) and its JSON body (or empty). */
  record Answer(int status, String retryAfter, JsonObject body) {
    boolean accepted() {
      return status >= 200 && status < 300;
    }

    JsonObject data() {
      return body.getJsonObject("data");
    }

    String code() {
      return body.getString("code", "");
    }
  }

  // longer than the gateway's 10 s request-reply deadline, so a slow answer is still seen
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final String base;
  private final String key;

  Api(int port, String key) {
    this.base = "http://127.0.0.1:" + port + "/api/v1";
    this.key = key;
  }

  Answer get(String path) throws IOException, InterruptedException {
    return send("GET", path, null);
  }

  Answer post(String path, JsonObject body) throws IOException, InterruptedException {
    return send("POST", path, body);
  }

  Answer delete(String path) throws IOException, InterruptedException {
    return send("DELETE", path, null);
  }

  /**
   * Sends one request. Throws {@link java.net.ConnectException} when no connection could be made
   * (nothing was sent), another {@link IOException} when the answer did not come (it may have been
   * carried out).
   */
  Answer send(String method, String path, JsonObject body)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).header("X-API-Key", key);
    if (body != null) {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.encode()));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(
        r.statusCode(), r.headers().firstValue("Retry-After").orElse(null), json(r.body()));
  }

  private static JsonObject json(String body) {
    if (body == null || body.isBlank()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return new JsonObject().put("raw", body);
    }
  }
}
