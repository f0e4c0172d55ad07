package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.outbox.OutboxRelay;
import dev.lanes.common.outbox.OutboxRelayVerticle;
import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/events}: the outbox's published events as a resumable SSE stream. */
class EventsApiTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private static TestGateway gateway;
  private final List<Subscriber> open = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    gateway = IntakeOwners.gateway();
    Messaging messaging = gateway.messaging;
    // nobody else runs here: commands are acknowledged so the relay publishes everything
    messaging.consume(Channels.BUILD_COMMANDS, "test", m -> Future.succeededFuture()).await();
    messaging.consume(Channels.RELEASE_COMMANDS, "test", m -> Future.succeededFuture()).await();
    gateway
        .vertx
        .deployVerticle(
            new OutboxRelayVerticle(gateway.db, messaging, OutboxRelay.Settings.DEFAULT))
        .await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @AfterEach
  void closeStreams() {
    open.forEach(Subscriber::close);
  }

  /** An SSE client of the events stream, recording what it receives. */
  final class Subscriber {
    record Event(long id, String type, JsonObject data) {}

    final List<Event> events = new CopyOnWriteArrayList<>();
    final StringBuilder pending = new StringBuilder();
    final HttpClient client = gateway.vertx.createHttpClient();
    int status;

    Subscriber(String query, String lastEventId) throws Exception {
      RequestOptions options =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setHost("127.0.0.1")
              .setPort(gateway.port())
              .setURI("/api/v1/events" + query)
              .putHeader("X-API-Key", TestGateway.ADMIN_KEY)
              .putHeader("Accept", "text/event-stream");
      if (lastEventId != null) {
        options.putHeader("Last-Event-ID", lastEventId);
      }
      status =
          client
              .request(options)
              .compose(req -> req.send())
              .map(
                  resp -> {
                    resp.handler(b -> feed(b.toString(StandardCharsets.UTF_8)));
                    return resp.statusCode();
                  })
              .await(10, TimeUnit.SECONDS);
      open.add(this);
    }

    private synchronized void feed(String chunk) {
      pending.append(chunk);
      int end;
      while ((end = pending.indexOf("\n\n")) >= 0) {
        String block = pending.substring(0, end);
        pending.delete(0, end + 2);
        Long id = null;
        String type = null;
        String data = null;
        for (String line : block.split("\n")) {
          if (line.startsWith("id: ")) {
            id = Long.parseLong(line.substring(4));
          } else if (line.startsWith("event: ")) {
            type = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data = line.substring(6);
          }
        }
        if (id != null) {
          events.add(new Event(id, type, new JsonObject(data)));
        }
      }
    }

    List<String> types() {
      return events.stream().map(Event::type).toList();
    }

    void close() {
      client.close();
    }
  }

  private static void lane(String name) {
    assertThat(gateway.post("/api/v1/lanes", new JsonObject().put("name", name)).status())
        .isEqualTo(201);
  }

  private static String unique(String prefix) {
    return prefix + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }

  @Test
  void streamsNewEventsAsCloudEvents() throws Exception {
    Subscriber s = new Subscriber("", null);
    assertThat(s.status).isEqualTo(200);
    String name = unique("qa");
    lane(name);
    await().atMost(WAIT).until(() -> !s.events.isEmpty());
    Subscriber.Event e = s.events.get(0);
    assertThat(e.type()).isEqualTo("dev.lanes.lane.created");
    assertThat(e.data().getString("specversion")).isEqualTo("1.0");
    assertThat(e.data().getString("type")).isEqualTo("dev.lanes.lane.created");
    assertThat(e.data().getJsonObject("data").getString("name")).isEqualTo(name);
  }

  @Test
  void filtersByTypeAppAndLane() throws Exception {
    String app = unique("app");
    gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo(app));
    gateway.post("/api/v1/apps", new JsonObject().put("name", app).put("image_repo", app));
    Subscriber builds = new Subscriber("?types=build&app=" + app, null);
    Subscriber lanes = new Subscriber("?types=lane", null);
    String laneName = unique("ln");
    Subscriber oneLane = new Subscriber("?lane=" + laneName, null);
    Subscriber otherApp = new Subscriber("?app=someone-else", null);

    assertThat(gateway.post("/api/v1/apps/" + app + "/builds", new JsonObject()).status())
        .isEqualTo(202);
    lane(laneName);
    lane(unique("other"));

    await().atMost(WAIT).until(() -> builds.events.size() == 1 && lanes.events.size() == 2);
    assertThat(builds.types()).containsExactly("dev.lanes.build.status");
    assertThat(builds.events.get(0).data().getJsonObject("data").getString("app")).isEqualTo(app);
    assertThat(lanes.types()).containsOnly("dev.lanes.lane.created");
    await().atMost(WAIT).until(() -> oneLane.events.size() == 1);
    assertThat(oneLane.events.get(0).data().getJsonObject("data").getString("name"))
        .isEqualTo(laneName);
    // everything above has been streamed; the other app's stream got none of it
    assertThat(otherApp.events).isEmpty();
  }

  @Test
  void resumesAfterLastEventIdInOrderWithoutGapsOrRepeats() throws Exception {
    Subscriber first = new Subscriber("?types=lane", null);
    List<String> names = IntStream.range(0, 30).mapToObj(i -> unique("r" + i + "x")).toList();
    // concurrently, so that outbox ids commit out of order
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      for (var f :
          threads.invokeAll(
              names.stream()
                  .map(
                      n ->
                          (java.util.concurrent.Callable<Void>)
                              () -> {
                                lane(n);
                                return null;
                              })
                  .toList())) {
        f.get();
      }
    } finally {
      threads.shutdown();
    }
    await().atMost(WAIT).until(() -> first.events.size() == 30);
    List<Long> ids = first.events.stream().map(Subscriber.Event::id).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates();
    assertThat(first.events.stream().map(e -> e.data().getJsonObject("data").getString("name")))
        .containsExactlyInAnyOrderElementsOf(names);

    // a client that saw the first ten comes back: it gets the other twenty, then what is new
    Subscriber resumed = new Subscriber("?types=lane", Long.toString(ids.get(9)));
    await().atMost(WAIT).until(() -> resumed.events.size() == 20);
    assertThat(resumed.events.stream().map(Subscriber.Event::id).toList())
        .isEqualTo(ids.subList(10, 30));
    String later = unique("later");
    lane(later);
    await().atMost(WAIT).until(() -> resumed.events.size() == 21);
    assertThat(resumed.events.get(20).data().getJsonObject("data").getString("name"))
        .isEqualTo(later);
  }

  @Test
  void badQueriesAre400AndTheStreamNeedsAKey() throws Exception {
    var bad =
        gateway.call(
            HttpMethod.GET,
            "/api/v1/events?types=build,nope&app=Not_An_App",
            TestGateway.ADMIN_KEY,
            null,
            null);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(
            bad.json().getJsonArray("errors").stream()
                .map(e -> ((JsonObject) e).getString("field")))
        .containsExactlyInAnyOrder("types", "app");
    var badId =
        gateway.callWithHeaders(HttpMethod.GET, "/api/v1/events", "Last-Event-ID", "yesterday");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(gateway.call(HttpMethod.GET, "/api/v1/events", null, null, null).status())
        .isEqualTo(401);
  }
}
