package dev.lanes.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.registry.table.RouteBook;
import dev.lanes.registry.table.RouteDelta;
import dev.lanes.registry.table.ServiceFacts;
import dev.lanes.registry.table.VersionClock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream under a burst: many changes in one turn of the event loop, one event on the wire. */
class RouteFeedTest {

  private Vertx vertx;
  private Context context;
  private RouteBook book;
  private RouteFeed feed;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    HttpServer server =
        on(() -> {
              book = new RouteBook(new VersionClock(Clock.systemUTC()));
              feed = new RouteFeed(vertx, book, 1024, Duration.ofMinutes(1));
              Router router = Router.router(vertx);
              new RoutesHandler(book, feed, () -> true).mount(router);
              return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1");
            })
            .await(10, TimeUnit.SECONDS);
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs {@code task} on the feed's context and waits for the future it returns. */
  private <T> Future<T> on(Callable<Future<T>> task) {
    return Future.<Future<T>>future(
            p ->
                context.runOnContext(
                    v -> {
                      try {
                        p.complete(task.call());
                      } catch (Exception e) {
                        p.fail(e);
                      }
                    }))
        .compose(f -> f);
  }

  @Test
  void changesInOneTurnReachSubscribersAsOneDeltaAndResumingStillGetsEachOne() throws Exception {
    try (SseRecorder sub = new SseRecorder(vertx, port, null)) {
      await().until(() -> sub.named("snapshot").size() == 1);
      long before = Long.parseLong(sub.named("snapshot").get(0).id());

      // a burst: web's dev lane comes up, api appears, web's dev lane goes again
      List<RouteDelta> burst = new ArrayList<>();
      on(() -> {
            book.upsertService(new ServiceFacts("web-dev", "web", "dev", 8080));
            book.upsertService(new ServiceFacts("api-prod", "api", "prod", 9090));
            burst.add(book.upsertSlice("web-dev", "web-dev-1", 1).orElseThrow());
            burst.add(book.upsertSlice("api-prod", "api-prod-1", 2).orElseThrow());
            burst.add(book.upsertSlice("web-dev", "web-dev-1", 0).orElseThrow());
            return Future.all(burst.stream().map(feed::publish).toList()).mapEmpty();
          })
          .await(10, TimeUnit.SECONDS);

      await().until(() -> sub.named("delta").size() == 1);
      JsonObject delta = sub.named("delta").get(0).json();
      assertThat(delta.getLong("previous")).isEqualTo(before);
      assertThat(delta.getLong("version")).isEqualTo(burst.get(2).version());
      assertThat(delta.getJsonObject("upserts").getMap())
          .containsOnlyKeys("api")
          .extractingByKey("api")
          .isEqualTo(Map.of("lanes", List.of("prod"), "port", 9090));
      assertThat(delta.getJsonArray("removes").getList()).containsExactly("web");

      // a client that had seen only the first change of the burst gets the other two
      String afterFirst = Long.toString(burst.get(0).version());
      try (SseRecorder resumed = new SseRecorder(vertx, port, afterFirst)) {
        await().until(() -> resumed.events.size() == 2);
        assertThat(resumed.events)
            .extracting(SseRecorder.Event::id)
            .containsExactly(
                Long.toString(burst.get(1).version()), Long.toString(burst.get(2).version()));
      }
    }
  }
}
