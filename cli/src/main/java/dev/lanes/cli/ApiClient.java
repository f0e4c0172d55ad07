package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The platform's REST API and event streams, as the CLI needs them: the {@code data} of answers,
 * lists followed over every page, and problem documents turned into a {@link CliException} with the
 * exit code scripts expect.
 */
public final class ApiClient {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One server-sent event. */
  public record Event(String event, String id, String data) {
    public JsonNode json() {
      try {
        return JSON.readTree(data);
      } catch (IOException e) {
        return JsonNodeFactory.instance.textNode(data);
      }
    }
  }

  private final Target target;
  private final HttpClient http;

  public ApiClient(Target target) {
    this.target = target;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public Target target() {
    return target;
  }

  public JsonNode get(String path) {
    return data(send("GET", path, null, Duration.ofSeconds(30)));
  }

  /** A request whose answer may be held up to {@code timeout} ({@code ?wait=}). */
  public JsonNode send(String method, String path, JsonNode body, Duration timeout) {
    return data(exchange(method, path, body, timeout));
  }

  /** Every item of a paginated list, page after page. */
  public List<JsonNode> list(String path) {
    List<JsonNode> all = new ArrayList<>();
    String cursor = null;
    do {
      String page =
          cursor == null ? path : path + (path.contains("?") ? "&" : "?") + "cursor=" + enc(cursor);
      JsonNode answer = exchange("GET", page, null, Duration.ofSeconds(30));
      answer.path("data").forEach(all::add);
      JsonNode next = answer.get("next_cursor");
      cursor = next == null || next.isNull() ? null : next.asText();
    } while (cursor != null);
    return all;
  }

  /**
   * Reads the event stream at {@code path} until {@code handler} answers {@code false}, the server
   * ends it, or the thread is interrupted.
   */
  public void stream(String path, String lastEventId, Predicate<Event> handler) {
    read(request(path), lastEventId, handler, this::unreachable);
  }

  /**
   * A service outside the API (the route registry): its name and how to point the CLI at another
   * URL, for the error when it cannot be reached.
   */
  public record Outside(String name, String hint) {
    CliException unreachable(String url, IOException e) {
      return new CliException(
          ExitCodes.FAILED, "cannot reach " + name + " at " + url + " (" + why(e) + "); " + hint);
    }
  }

  /** Reads the event stream at {@code url} of {@code outside}, without the key. */
  public void streamAbsolute(
      Outside outside, String url, String lastEventId, Predicate<Event> handler) {
    read(
        HttpRequest.newBuilder(URI.create(url)),
        lastEventId,
        handler,
        e -> outside.unreachable(url, e));
  }

  private void read(
      HttpRequest.Builder b,
      String lastEventId,
      Predicate<Event> handler,
      Function<IOException, CliException> unreachable) {
    // set, not added: a second Accept would leave the server answering plain text
    b.setHeader("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<Stream<String>> response;
    try {
      response = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    } catch (IOException e) {
      throw unreachable.apply(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
    if (response.statusCode() >= 400) {
      String body = String.join("\n", response.body().toList());
      throw problem(response.statusCode(), body);
    }
    try (Stream<String> lines = response.body()) {
      String event = "message";
      String id = null;
      StringBuilder data = null;
      var it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.isEmpty()) {
          if (data != null && !handler.test(new Event(event, id, data.toString()))) {
            return;
          }
          event = "message";
          data = null;
        } else if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("data:")) {
          String d = line.substring(line.startsWith("data: ") ? 6 : 5);
          data = data == null ? new StringBuilder(d) : data.append('\n').append(d);
        }
      }
    }
  }

  /** GET {@code url} of {@code outside}, as JSON, without the key. */
  public JsonNode getAbsolute(Outside outside, String url) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() >= 400) {
        throw problem(r.statusCode(), r.body());
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw outside.unreachable(url, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode exchange(String method, String path, JsonNode body, Duration timeout) {
    HttpRequest.Builder b = request(path).timeout(timeout.plusSeconds(10));
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new CliException(
          ExitCodes.TIMEOUT, method + " " + path + ": no answer from " + target.url() + " in time");
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.FAILED, "interrupted");
    }
    if (r.statusCode() >= 400) {
      throw problem(r.statusCode(), r.body());
    }
    if (r.body() == null || r.body().isEmpty()) {
      return JSON.createObjectNode();
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.FAILED, "the platform answered something that is not JSON: " + e.getMessage());
    }
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(target.url() + "/api/v1" + path))
            .header("Accept", "application/json");
    if (target.apiKey() != null) {
      b.header("X-API-Key", target.apiKey());
    }
    if (target.lane() != null) {
      b.header("x-lane", target.lane());
    }
    return b;
  }

  private static JsonNode data(JsonNode answer) {
    JsonNode data = answer.get("data");
    return data == null ? answer : data;
  }

  private CliException unreachable(IOException e) {
    return new CliException(
        ExitCodes.FAILED,
        "cannot reach the platform at "
            + target.url()
            + " ("
            + why(e)
            + "); set LANES_URL or --url, or see lanes config");
  }

  private static String why(IOException e) {
    return e instanceof ConnectException || e instanceof HttpConnectTimeoutException
        ? "connection refused or timed out"
        : describe(e);
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** A problem document (RFC 9457) as one or more lines and the matching exit code. */
  static CliException problem(int status, String body) {
    int exit =
        switch (status) {
          case 401, 403 -> ExitCodes.AUTH;
          case 404 -> ExitCodes.NOT_FOUND;
          case 504 -> ExitCodes.TIMEOUT;
          default -> ExitCodes.FAILED;
        };
    StringBuilder message = new StringBuilder();
    try {
      JsonNode p = JSON.readTree(body);
      String detail = p.path("detail").asText(p.path("title").asText("HTTP " + status));
      message.append(detail);
      if (p.hasNonNull("code")) {
        message.append(" (").append(p.get("code").asText()).append(')');
      }
      for (JsonNode f : p.path("errors")) {
        message
            .append("\n  ")
            .append(f.path("field").asText())
            .append(": ")
            .append(f.path("message").asText());
      }
    } catch (IOException | RuntimeException e) {
      message.append("HTTP ").append(status);
    }
    if (exit == ExitCodes.AUTH && message.indexOf("(") < 0) {
      message.append(" (set LANES_API_KEY or a context: lanes config)");
    }
    return new CliException(exit, message.toString());
  }
}
