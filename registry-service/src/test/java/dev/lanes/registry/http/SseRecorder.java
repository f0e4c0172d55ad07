package dev.lanes.registry.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** A test subscriber of the route stream: records every event and comment it receives. */
public final class SseRecorder implements AutoCloseable {

  public record Event(String event, String id, String data) {
    public JsonObject json() {
      return new JsonObject(data);
    }
  }

  public final List<Event> events = new CopyOnWriteArrayList<>();
  public final List<String> comments = new CopyOnWriteArrayList<>();
  private final StringBuilder pending = new StringBuilder();
  private final HttpClient client;
  public final HttpClientResponse response;

  public SseRecorder(Vertx vertx, int port, String lastEventId) throws Exception {
    client = vertx.createHttpClient();
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI("/v1/routes/stream");
    if (lastEventId != null) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    response =
        client
            .request(options)
            .compose(
                req ->
                    req.send()
                        .onSuccess(
                            resp ->
                                resp.handler(
                                    b ->
                                        feed(b.toString(java.nio.charset.StandardCharsets.UTF_8)))))
            .await(10, TimeUnit.SECONDS);
  }

  public List<Event> named(String name) {
    return events.stream().filter(e -> e.event().equals(name)).toList();
  }

  public Event last() {
    return events.get(events.size() - 1);
  }

  private synchronized void feed(String chunk) {
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      String event = "message";
      String id = null;
      StringBuilder data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith(":")) {
          comments.add(line.substring(1).trim());
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder() : data.append('\n');
          data.append(line.substring(6));
        }
      }
      if (data != null) {
        events.add(new Event(event, id, data.toString()));
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
