package dev.lanes.bench.chaos;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The event stream ({@code GET /api/v1/events}) replayed from the start, checked per app: ids
 * increase, and no build, release or lane goes back to an earlier status (a release's order is by
 * revision, then status; a new revision starts again at pending).
 */
final class EventOrder {

  /** How many events and apps were read, and each event out of order. */
  record Result(int events, int apps, List<String> disorder) {}

  private static final Map<String, Integer> BUILD_RANK =
      Map.of("pending", 0, "queued", 1, "running", 2, "succeeded", 3, "failed", 3, "cancelled", 3);
  private static final Map<String, Integer> RELEASE_RANK =
      Map.of("pending", 0, "progressing", 1, "deployed", 2, "failed", 2, "deleting", 3);
  private static final Map<String, Integer> LANE_RANK =
      Map.of(
          "dev.lanes.lane.created", 0, "dev.lanes.lane.deleting", 1, "dev.lanes.lane.deleted", 2);

  private final Map<String, Long> lastIdByApp = new HashMap<>();
  private final Map<String, long[]> lastRankBySubject = new HashMap<>();
  private final List<String> disorder = new ArrayList<>();
  private int events;

  /** Reads the stream until the event numbered {@code lastSeq}, at most {@code timeout}. */
  static Result read(int port, String key, long lastSeq, Duration timeout) throws Exception {
    EventOrder order = new EventOrder();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/v1/events?last_event_id=0"))
            .header("X-API-Key", key)
            .build();
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try (Stream<String> lines =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofLines()).body()) {
      Future<?> done = reader.submit(() -> order.follow(lines.iterator(), lastSeq));
      done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } finally {
      reader.shutdownNow();
    }
    return new Result(order.events, order.lastIdByApp.size(), order.disorder);
  }

  /** Server-sent events: {@code id:}, {@code event:}, {@code data:} lines, a blank line after. */
  private Void follow(Iterator<String> lines, long lastSeq) {
    long id = -1;
    String data = null;
    while (lines.hasNext()) {
      String line = lines.next();
      if (line.startsWith("id:")) {
        id = Long.parseLong(line.substring(3).trim());
      } else if (line.startsWith("data:")) {
        data = line.substring(5).trim();
      } else if (line.isEmpty() && data != null) {
        take(id, new JsonObject(data));
        data = null;
        if (id >= lastSeq) {
          return null;
        }
      }
    }
    return null;
  }

  private void take(long id, JsonObject event) {
    events++;
    String type = event.getString("type");
    JsonObject data = event.getJsonObject("data", new JsonObject());
    String group;
    String subject;
    long major = 0;
    Integer rank;
    if (type.startsWith("dev.lanes.build.")) {
      group = data.getString("app");
      subject = "build " + data.getString("id");
      rank = BUILD_RANK.get(data.getString("status"));
    } else if (type.startsWith("dev.lanes.release.")) {
      group = data.getString("app");
      subject = "release " + data.getString("id");
      major = data.getInteger("revision", 0);
      rank = type.endsWith(".deleted") ? 4 : RELEASE_RANK.get(data.getString("status"));
    } else {
      group = "lane " + data.getString("name");
      subject = group;
      rank = LANE_RANK.get(type);
    }
    Long before = lastIdByApp.put(group, id);
    if (before != null && before >= id) {
      disorder.add(group + ": event " + id + " after " + before);
    }
    long[] now = {major, rank == null ? -1 : rank, id};
    long[] last = lastRankBySubject.put(subject, now);
    if (last != null && (now[0] < last[0] || (now[0] == last[0] && now[1] < last[1]))) {
      disorder.add(
          subject
              + ": event "
              + id
              + " (r"
              + now[0]
              + " "
              + describe(type, data)
              + ") after "
              + last[2]
              + " (r"
              + last[0]
              + ", rank "
              + last[1]
              + ")");
    }
  }

  private static String describe(String type, JsonObject data) {
    return type + " " + data.getString("status", "");
  }
}
