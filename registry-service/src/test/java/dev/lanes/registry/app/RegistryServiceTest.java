package dev.lanes.registry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.config.HttpConfig;
import dev.lanes.registry.http.SseRecorder;
import dev.lanes.sandbox.SandboxCluster;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryServiceTest {

  private static final String NS = "apps";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static SandboxCluster sandbox;
  private static KubernetesClient kube;
  private static Vertx vertx;
  private static WebClient http;
  private String deployment;
  private RegistryServiceVerticle registry;
  private int port;

  @BeforeAll
  static void startCluster() throws Exception {
    sandbox = SandboxCluster.start(new SandboxCluster.Options(0, null, Duration.ofMillis(20)));
    kube = sandbox.client();
    vertx = Vertx.vertx();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    sandbox.close();
  }

  @BeforeEach
  void startRegistry() throws Exception {
    kube.services().inNamespace(NS).delete();
    kube.discovery().v1().endpointSlices().inNamespace(NS).delete();
    await().atMost(WAIT).until(() -> kube.services().inNamespace(NS).list().getItems().isEmpty());
    deploy();
  }

  @AfterEach
  void stopRegistry() throws Exception {
    vertx.undeploy(deployment).await(10, TimeUnit.SECONDS);
  }

  private void deploy() throws Exception {
    registry =
        new RegistryServiceVerticle(
            new RegistryServiceConfig(
                new HttpConfig("127.0.0.1", 0), NS, Duration.ofMillis(200), 4),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            kube);
    deployment = vertx.deployVerticle(registry).await(10, TimeUnit.SECONDS);
    port = registry.actualPort();
    await().atMost(WAIT).until(() -> get("/readyz").statusCode() == 200);
  }

  private HttpResponse<Buffer> get(String uri, String... headers) throws Exception {
    var req = http.get(port, "127.0.0.1", uri);
    for (int i = 0; i < headers.length; i += 2) {
      req.putHeader(headers[i], headers[i + 1]);
    }
    return req.send().await(30, TimeUnit.SECONDS);
  }

  private static void service(String name, String app, String lane, Integer port) throws Exception {
    var b =
        new ServiceBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NS)
            .addToLabels("app", app)
            .addToLabels("lane", lane)
            .endMetadata()
            .withNewSpec()
            .endSpec();
    if (port != null) {
      b.editSpec().addNewPort().withName("http").withPort(port).endPort().endSpec();
    }
    kube.services().inNamespace(NS).resource(b.build()).create();
  }

  /** The slice of Service {@code service}, with endpoints ready or not. */
  private static void slice(String service, Boolean... ready) throws Exception {
    var b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withName(service + "-slice")
            .withNamespace(NS)
            .addToLabels("kubernetes.io/service-name", service)
            .endMetadata()
            .withAddressType("IPv4");
    for (int i = 0; i < ready.length; i++) {
      b.addNewEndpoint()
          .withAddresses("10.0.0." + (i + 1))
          .withNewConditions()
          .withReady(ready[i])
          .endConditions()
          .endEndpoint();
    }
    kube.discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .resource(b.build())
        .createOr(op -> op.update());
  }

  private JsonObject routes() throws Exception {
    return get("/v1/routes").bodyAsJsonObject();
  }

  private void awaitRoute(String service, List<String> lanes) throws Exception {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(routes().getJsonObject("services").getJsonObject(service))
                    .isEqualTo(
                        lanes == null
                            ? null
                            : new JsonObject().put("lanes", lanes).put("port", 8080)));
  }

  @Test
  void listsALaneOnlyWhileItsServiceHasAReadyEndpoint() throws Exception {
    service("web-dev", "web", "dev", 8080);
    slice("web-dev", false, false);
    service("web-prod", "web", "prod", 8080);
    slice("web-prod", true);
    awaitRoute("web", List.of("prod"));

    slice("web-dev", false, true);
    awaitRoute("web", List.of("dev", "prod"));

    slice("web-dev", false);
    awaitRoute("web", List.of("prod"));

    kube.services().inNamespace(NS).withName("web-prod").delete();
    awaitRoute("web", null);
  }

  @Test
  void servesOneServiceAndAnswersUnknownOnesWithAProblem() throws Exception {
    service("api-dev", "api", "dev", 8080);
    slice("api-dev", true);
    awaitRoute("api", List.of("dev"));
    JsonObject one = get("/v1/routes/api").bodyAsJsonObject();
    assertThat(one.getString("service")).isEqualTo("api");
    assertThat(one.getJsonArray("lanes")).containsExactly("dev");
    assertThat(one.getInteger("port")).isEqualTo(8080);
    assertThat(one.getLong("version")).isEqualTo(routes().getLong("version"));

    var missing = get("/v1/routes/ghost");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(missing.bodyAsJsonObject().getString("code")).isEqualTo("service_not_found");
    // the same problem documents as the gateway's, with the request's id to quote
    assertThat(missing.bodyAsJsonObject().getString("request_id"))
        .isNotBlank()
        .isEqualTo(missing.getHeader("X-Request-Id"));
    assertThat(get("/v1/nothing").bodyAsJsonObject().getString("code"))
        .isEqualTo("route_not_found");
  }

  @Test
  void theEtagIsTheVersionAndAMatchingIfNoneMatchGets304() throws Exception {
    service("web-prod", "web", "prod", 8080);
    slice("web-prod", true);
    awaitRoute("web", List.of("prod"));
    var first = get("/v1/routes");
    long version = first.bodyAsJsonObject().getLong("version");
    assertThat(first.getHeader("ETag")).isEqualTo("\"" + version + "\"");
    assertThat(get("/v1/routes", "If-None-Match", "\"" + version + "\"").statusCode())
        .isEqualTo(304);
    assertThat(get("/v1/routes", "If-None-Match", "\"1\"").statusCode()).isEqualTo(200);
  }

  @Test
  void aBlockingQueryAnswersWhenTheVersionMovesOrWhenTheWaitEnds() throws Exception {
    long version = routes().getLong("version");
    var held = http.get(port, "127.0.0.1", "/v1/routes?index=" + version + "&wait=20s").send();
    // still held: a short query on the same version comes back unchanged after its wait
    var shortWait = get("/v1/routes?index=" + version + "&wait=300ms");
    assertThat(shortWait.statusCode()).isEqualTo(200);
    assertThat(shortWait.bodyAsJsonObject().getLong("version")).isEqualTo(version);
    assertThat(held.isComplete()).isFalse();

    service("web-dev", "web", "dev", 8080);
    slice("web-dev", true);
    JsonObject changed = held.await(10, TimeUnit.SECONDS).bodyAsJsonObject();
    assertThat(changed.getLong("version")).isGreaterThan(version);
    assertThat(changed.getJsonObject("services").getJsonObject("web")).isNotNull();

    // an index that is not the current version answers at once, as Consul does after a reset
    assertThat(get("/v1/routes?index=1&wait=5m").bodyAsJsonObject().getLong("version"))
        .isEqualTo(changed.getLong("version"));
  }

  @Test
  void malformedQueriesAre400WithEveryFieldAtOnce() throws Exception {
    var bad = get("/v1/routes?index=abc&wait=forever");
    assertThat(bad.statusCode()).isEqualTo(400);
    JsonObject problem = bad.bodyAsJsonObject();
    assertThat(problem.getString("code")).isEqualTo("validation_failed");
    assertThat(
            problem.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getString("field")))
        .containsExactlyInAnyOrder("index", "wait");
    assertThat(get("/v1/routes?index=-4").statusCode()).isEqualTo(400);
    // a wait above the cap is capped, not refused
    assertThat(get("/v1/routes?index=1&wait=2h").statusCode()).isEqualTo(200);
  }

  @Test
  void theStreamSendsASnapshotThenDeltasAndResumesFromLastEventId() throws Exception {
    service("web-prod", "web", "prod", 8080);
    slice("web-prod", true);
    awaitRoute("web", List.of("prod"));
    long v0;
    try (SseRecorder sub = new SseRecorder(vertx, port, null)) {
      await().atMost(WAIT).until(() -> !sub.events.isEmpty());
      var snapshot = sub.events.get(0);
      assertThat(snapshot.event()).isEqualTo("snapshot");
      v0 = snapshot.json().getLong("version");
      assertThat(snapshot.id()).isEqualTo(Long.toString(v0));
      assertThat(snapshot.json().getJsonObject("services").getJsonObject("web")).isNotNull();

      service("web-dev", "web", "dev", 8080);
      slice("web-dev", true);
      await().atMost(WAIT).until(() -> sub.named("delta").size() == 1);
      JsonObject delta = sub.named("delta").get(0).json();
      assertThat(delta.getLong("previous")).isEqualTo(v0);
      assertThat(delta.getJsonObject("upserts").getJsonObject("web"))
          .isEqualTo(new JsonObject().put("lanes", List.of("dev", "prod")).put("port", 8080));
      assertThat(delta.getJsonArray("removes")).isEmpty();
      // idle: heartbeats keep it alive
      await().atMost(WAIT).until(() -> sub.comments.contains("heartbeat"));
    }

    // while nobody listens, two more changes
    slice("web-dev", false);
    awaitRoute("web", List.of("prod"));
    kube.services().inNamespace(NS).withName("web-prod").delete();
    awaitRoute("web", null);
    long now = routes().getLong("version");

    try (SseRecorder resumed = new SseRecorder(vertx, port, Long.toString(v0))) {
      await().atMost(WAIT).until(() -> resumed.events.size() == 3);
      assertThat(resumed.events).extracting(SseRecorder.Event::event).containsOnly("delta");
      assertThat(resumed.events.get(0).json().getLong("previous")).isEqualTo(v0);
      assertThat(resumed.last().json().getLong("version")).isEqualTo(now);
      assertThat(resumed.last().json().getJsonArray("removes")).containsExactly("web");
    }
    try (SseRecorder current = new SseRecorder(vertx, port, Long.toString(now))) {
      service("api-prod", "api", "prod", 8080);
      slice("api-prod", true);
      await().atMost(WAIT).until(() -> !current.events.isEmpty());
      assertThat(current.events.get(0).event()).isEqualTo("delta");
      assertThat(current.events.get(0).json().getLong("previous")).isEqualTo(now);
    }
    try (SseRecorder stranger = new SseRecorder(vertx, port, "12345")) {
      await().atMost(WAIT).until(() -> !stranger.events.isEmpty());
      assertThat(stranger.events.get(0).event()).isEqualTo("snapshot");
    }
  }

  @Test
  void aSubscriberTooFarBehindTheHistoryGetsASnapshot() throws Exception {
    long v0 = routes().getLong("version");
    // history holds 4 deltas in this test
    for (int i = 0; i < 6; i++) {
      service("app" + i + "-prod", "app" + i, "prod", 8080);
      slice("app" + i + "-prod", true);
    }
    await().atMost(WAIT).until(() -> routes().getJsonObject("services").size() == 6);
    try (SseRecorder late = new SseRecorder(vertx, port, Long.toString(v0))) {
      await().atMost(WAIT).until(() -> !late.events.isEmpty());
      assertThat(late.events.get(0).event()).isEqualTo("snapshot");
      assertThat(late.events.get(0).json().getJsonObject("services")).hasSize(6);
    }
  }

  @Test
  void servicesItCannotRouteToAreReportedAndNeverBreakTheTable() throws Exception {
    service("web-dev", "web", "dev", null);
    slice("web-dev", true);
    service("web-7", "web", "7", 8080);
    slice("web-7", true);
    service("web-prod", "web", "prod", 8080);
    slice("web-prod", true);
    service("web-prod-2", "web", "prod", 9090);
    slice("web-prod-2", true);
    service("frontend", "web", "qa", 8080);
    slice("frontend", true);
    awaitRoute("web", List.of("prod"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              String metrics = get("/metrics").bodyAsString();
              assertThat(metrics)
                  .contains("lanes_registry_rejected_services{reason=\"no_port\"} 1.0")
                  .contains("lanes_registry_rejected_services{reason=\"bad_label\"} 1.0")
                  .contains("lanes_registry_rejected_services{reason=\"duplicate\"} 1.0")
                  .contains("lanes_registry_rejected_services{reason=\"name_mismatch\"} 1.0")
                  .contains("lanes_registry_services 1.0")
                  .contains("lanes_registry_lanes 1.0");
            });
    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void afterARestartTheTableIsRebuiltAtAHigherVersion() throws Exception {
    service("web-prod", "web", "prod", 8080);
    slice("web-prod", true);
    awaitRoute("web", List.of("prod"));
    long before = routes().getLong("version");
    stopRegistry();
    deploy();
    JsonObject after = routes();
    assertThat(after.getJsonObject("services").getJsonObject("web").getJsonArray("lanes"))
        .containsExactly("prod");
    assertThat(after.getLong("version")).isGreaterThan(before);
  }

  @Test
  void metricsCountSubscribersAndPropagation() throws Exception {
    try (SseRecorder a = new SseRecorder(vertx, port, null);
        SseRecorder b = new SseRecorder(vertx, port, null)) {
      service("web-prod", "web", "prod", 8080);
      slice("web-prod", true);
      await()
          .atMost(WAIT)
          .until(() -> a.named("delta").size() == 1 && b.named("delta").size() == 1);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(get("/metrics").bodyAsString())
                      .contains("lanes_registry_subscribers 2.0")
                      .containsPattern("lanes_registry_propagation_seconds_count [1-9]"));
    }
  }

  @Test
  void notReadyWhileTheKubernetesApiCannotBeListed() throws Exception {
    try (KubernetesClient away =
        new io.fabric8.kubernetes.client.KubernetesClientBuilder()
            .withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:1")
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      RegistryServiceVerticle blind =
          new RegistryServiceVerticle(
              new RegistryServiceConfig(new HttpConfig("127.0.0.1", 0), NS, WAIT, 4),
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
              away);
      String id = vertx.deployVerticle(blind).await(10, TimeUnit.SECONDS);
      try {
        int blindPort = blind.actualPort();
        var ready = http.get(blindPort, "127.0.0.1", "/readyz").send().await(10, TimeUnit.SECONDS);
        assertThat(ready.statusCode()).isEqualTo(503);
        var table =
            http.get(blindPort, "127.0.0.1", "/v1/routes").send().await(10, TimeUnit.SECONDS);
        assertThat(table.statusCode()).isEqualTo(503);
        assertThat(table.getHeader("Retry-After")).isEqualTo("1");
        assertThat(table.bodyAsJsonObject().getString("code")).isEqualTo("registry_not_ready");
        assertThat(
                http.get(blindPort, "127.0.0.1", "/healthz")
                    .send()
                    .await(10, TimeUnit.SECONDS)
                    .statusCode())
            .isEqualTo(200);
      } finally {
        vertx.undeploy(id).await(10, TimeUnit.SECONDS);
      }
    }
  }
}
