package dev.lanes.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LaneRouterTest {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Map<String, Object> PROD_ONLY =
      Map.of("web", Map.of("lanes", List.of("prod"), "port", 8080));
  private FakeRegistry registry;
  private LaneRouter router;

  @AfterEach
  void close() {
    if (router != null) {
      router.close();
    }
    if (registry != null) {
      registry.stop();
    }
  }

  private static LaneRouterOptions fast() {
    return LaneRouterOptions.defaults(8000)
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
        .withPolling(Duration.ofSeconds(2), Duration.ofSeconds(30));
  }

  private LaneRouter router(String url, LaneRouterOptions options) {
    router = new LaneRouter(URI.create(url), options);
    return router;
  }

  private static String delta(long version, long previous, String upserts, String removes) {
    return "{\"version\":"
        + version
        + ",\"previous\":"
        + previous
        + ",\"upserts\":"
        + upserts
        + ",\"removes\":"
        + removes
        + "}";
  }

  @Test
  void followsASnapshotThenDeltas() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    router(registry.url(), fast());
    assertThat(router.awaitReady(WAIT)).isTrue();
    assertThat(router.resolve("web", "dev")).isEqualTo("web:8080");

    registry.pushEvent(
        "delta",
        101,
        delta(101, 100, "{\"web\":{\"lanes\":[\"dev\",\"prod\"],\"port\":8080}}", "[]"));
    await().atMost(WAIT).until(() -> router.resolve("web", "dev").equals("web-dev:8080"));
    assertThat(router.table().version()).isEqualTo(101);
    // the lane from the request context
    Lanes.run("dev", () -> assertThat(router.url("web", "/x")).isEqualTo("http://web-dev:8080/x"));
    assertThat(router.resolve("web")).isEqualTo("web:8080");
  }

  @Test
  void withTheRegistryDownAtStartTargetsUseTheDefaultPortUntilItComesUp() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    router("http://127.0.0.1:" + port, fast());
    assertThat(router.resolve("web", "dev")).isEqualTo("web:8000");
    assertThat(router.table()).isNull();
    assertThat(router.awaitReady(Duration.ofMillis(100))).isFalse();

    registry =
        new FakeRegistry(Map.of("web", Map.of("lanes", List.of("dev"), "port", 8080)), 7)
            .start(port);
    assertThat(router.awaitReady(WAIT)).isTrue();
    assertThat(router.resolve("web", "dev")).isEqualTo("web-dev:8080");
  }

  @Test
  void aRestartingRegistryIsRejoinedWithLastEventId() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    router(registry.url(), fast());
    assertThat(router.awaitReady(WAIT)).isTrue();
    int port = registry.port();
    registry.stop();
    registry =
        new FakeRegistry(Map.of("web", Map.of("lanes", List.of("dev", "prod"), "port", 8080)), 200)
            .start(port);
    await().atMost(WAIT).until(() -> router.table().version() == 200);
    assertThat(registry.streamRequests).first().isEqualTo("100");
    assertThat(router.resolve("web", "dev")).isEqualTo("web-dev:8080");
  }

  @Test
  void malformedMessagesKeepTheLastGoodTable() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    router(registry.url(), fast());
    assertThat(router.awaitReady(WAIT)).isTrue();
    registry.pushEvent("snapshot", 150, "{\"services\": {\"web\": ");
    registry.pushEvent(
        "delta", 101, delta(101, 100, "{\"web\":{\"lanes\":\"dev\",\"port\":1}}", "[]"));
    registry.pushEvent(
        "snapshot", 160, "{\"services\":{\"web\":{\"lanes\":[\"x\"],\"port\":0}},\"version\":160}");
    // a good delta after the bad ones still applies: nothing was lost on the way
    registry.pushEvent(
        "delta",
        101,
        delta(101, 100, "{\"web\":{\"lanes\":[\"qa\",\"prod\"],\"port\":8080}}", "[]"));
    await().atMost(WAIT).until(() -> router.table().version() == 101);
    assertThat(router.resolve("web", "qa")).isEqualTo("web-qa:8080");
    assertThat(registry.streamRequests).hasSize(1);
  }

  @Test
  void aGapMakesItResubscribeFromItsVersion() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    router(registry.url(), fast());
    assertThat(router.awaitReady(WAIT)).isTrue();
    registry.setTable(Map.of("web", Map.of("lanes", List.of("dev", "prod"), "port", 8080)), 105);
    registry.pushEvent("delta", 105, delta(105, 104, "{}", "[]"));
    await().atMost(WAIT).until(() -> registry.streamRequests.size() == 2);
    assertThat(registry.streamRequests.get(1)).isEqualTo("100");
    // the fake answers a resubscription with a snapshot
    await().atMost(WAIT).until(() -> router.table().version() == 105);
  }

  @Test
  void aBrokenStreamFallsBackToLongPolling() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    registry.failStream(500);
    router(registry.url(), fast());
    assertThat(router.awaitReady(WAIT)).isTrue();
    assertThat(registry.streamRequests).hasSize(3);
    assertThat(registry.pollRequests).isNotEmpty();

    registry.setTable(Map.of("web", Map.of("lanes", List.of("dev", "prod"), "port", 8080)), 101);
    await().atMost(WAIT).until(() -> router.resolve("web", "dev").equals("web-dev:8080"));
    assertThat(registry.pollRequests).anyMatch(q -> q.contains("index=100"));
  }

  @Test
  void aSilentStreamIsTakenForDeadAndReopened() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    router(registry.url(), fast().withHeartbeatTimeout(Duration.ofMillis(300)));
    assertThat(router.awaitReady(WAIT)).isTrue();
    await().atMost(WAIT).until(() -> registry.streamRequests.size() >= 2);
    assertThat(registry.streamRequests.get(1)).isEqualTo("100");
  }

  @Test
  void heartbeatsKeepAnIdleStreamOpen() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    router(registry.url(), fast().withHeartbeatTimeout(Duration.ofMillis(500)));
    assertThat(router.awaitReady(WAIT)).isTrue();
    long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
    while (System.nanoTime() < until) {
      registry.push(": heartbeat\n\n");
      await().pollDelay(Duration.ofMillis(100)).until(() -> true);
    }
    assertThat(registry.streamRequests).hasSize(1);
  }

  @Test
  void closeStopsEverything() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    router(registry.url(), fast());
    assertThat(router.awaitReady(WAIT)).isTrue();
    router.close();
    assertThat(router.isClosed()).isTrue();
    int requests = registry.streamRequests.size() + registry.pollRequests.size();
    registry.dropStreams();
    await().pollDelay(Duration.ofMillis(300)).until(() -> true);
    assertThat(registry.streamRequests.size() + registry.pollRequests.size()).isEqualTo(requests);
    // the last table still answers
    assertThat(router.resolve("web")).isEqualTo("web:8080");
  }

  @Test
  void theDefaultPortIsRequiredAndChecked() {
    assertThatThrownBy(() -> LaneRouterOptions.defaults(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultPort");
    assertThatThrownBy(() -> LaneRouterOptions.defaults(70000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onChangeSeesEachNewTable() throws Exception {
    registry = new FakeRegistry(PROD_ONLY, 100).start();
    List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    router(registry.url(), fast().withOnChange(t -> seen.add(t.version())));
    assertThat(router.awaitReady(WAIT)).isTrue();
    registry.pushEvent("delta", 101, delta(101, 100, "{}", "[\"web\"]"));
    await().atMost(WAIT).until(() -> seen.equals(List.of(100L, 101L)));
    assertThat(router.resolve("web", "dev")).isEqualTo("web:8000");
  }
}
