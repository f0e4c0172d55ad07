package dev.lanes.platform.distributed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.builds.BuildServiceMain;
import dev.lanes.common.app.ServiceProcess;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.gateway.GatewayMain;
import dev.lanes.platform.EmbeddedDatabase;
import dev.lanes.registry.RegistryServiceMain;
import dev.lanes.releases.ReleaseServiceMain;
import dev.lanes.sandbox.SandboxCluster;
import dev.lanes.sandbox.kafka.StandaloneKafka;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The services as separate processes would run them, each started by its own main with its own
 * Vert.x, cluster client and Kafka clients, talking through a real Kafka broker: the README's
 * walk-through, a build-service replica stopped in the middle of a build, and the broker restarted
 * while commands wait in the outbox.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedPlatformTest {

  private static final String KEY = "lanes_distributed-test-admin-key";
  private static final Duration LONG = Duration.ofSeconds(60);

  @TempDir static Path dir;
  private static EmbeddedDatabase db;
  private static int dbPort;
  private static SandboxCluster sandbox;
  private static KubernetesClient kube;
  private static StandaloneKafka kafka;
  private static int kafkaPort;
  private static Map<String, String> env;
  private static int api;
  private static int registry;

  /** The running services by name, each with what stops it. */
  private static final Map<String, ServiceProcess.Closer> services = new LinkedHashMap<>();

  private static final HttpClient http = HttpClient.newHttpClient();

  /** The port of each worker's /healthz, /readyz and /metrics. */
  private static final Map<String, Integer> health = new LinkedHashMap<>();

  private static Path repo;

  @BeforeAll
  static void startEverything() throws Exception {
    dbPort = freePort();
    db = EmbeddedDatabase.start(dir.resolve("postgres"), dbPort);
    kafkaPort = freePort();
    kafka = StandaloneKafka.start(new StandaloneKafka.Settings(kafkaPort, dir.resolve("kafka")));
    Path kubeconfig = dir.resolve("kubeconfig");
    sandbox =
        SandboxCluster.start(new SandboxCluster.Options(0, kubeconfig, Duration.ofMillis(30)));
    kube = sandbox.client();
    env =
        Map.of(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:" + db.port() + "/postgres",
            "KUBECONFIG",
            kubeconfig.toString(),
            "LANES_MESSAGING",
            "kafka",
            "KAFKA_BOOTSTRAP_SERVERS",
            kafka.bootstrapServers(),
            "LANES_SECRET_KEY",
            SecretBox.newKey(),
            "API_TOKEN",
            KEY,
            "LANES_NAMESPACE",
            "lanes",
            "LEADER_LEASE_DURATION",
            "3s",
            "LANES_ALLOW_LOCAL_GIT",
            "true",
            "BIND_ADDRESS",
            "127.0.0.1");
    api = freePort();
    registry = freePort();
    start("api-gateway", Map.of("HTTP_PORT", Integer.toString(api)), GatewayMain::start);
    start(
        "registry-service",
        Map.of("REGISTRY_HTTP_PORT", Integer.toString(registry)),
        RegistryServiceMain::start);
    for (String replica : List.of("build-1", "build-2")) {
      health.put(replica, freePort());
      start(
          replica,
          Map.of("HTTP_PORT", Integer.toString(health.get(replica)), "POD_NAME", replica),
          BuildServiceMain::start);
    }
    health.put("release-1", freePort());
    start(
        "release-1",
        Map.of("HTTP_PORT", Integer.toString(health.get("release-1")), "POD_NAME", "release-1"),
        ReleaseServiceMain::start);

    repo = dir.resolve("web");
    commit("FROM alpine\nRUN echo one\n");
    data(
        "POST",
        "/api/v1/image-repos",
        "{\"name\":\"web\",\"registry\":\"registry.local/team/web\",\"git_repo\":\"file://"
            + repo
            + "\"}",
        201);
    data("POST", "/api/v1/apps", "{\"name\":\"web\",\"image_repo\":\"web\",\"port\":8080}", 201);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    List<ServiceProcess.Closer> running = List.copyOf(services.values());
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    if (kafka != null) {
      kafka.close();
    }
    if (sandbox != null) {
      sandbox.close();
    }
    if (db != null) {
      db.close();
    }
  }

  /** A service's main with the shared environment plus {@code own}, as its own process has. */
  private static void start(String name, Map<String, String> own, Starter main) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(own);
    ServiceProcess.Closer closer = new ServiceProcess.Closer();
    AutoCloseable running = main.start(all, closer);
    closer.add(running, running::close);
    services.put(name, closer);
  }

  @FunctionalInterface
  private interface Starter {
    AutoCloseable start(Map<String, String> env, ServiceProcess.Closer closer) throws Exception;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String commit(String dockerfile) throws Exception {
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), dockerfile);
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage("change")
          .setAuthor("t", "t@e.com")
          .setCommitter("t", "t@e.com")
          .call()
          .getName();
    }
  }

  private static JsonObject call(String method, String path, String json, int expected)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
            .header("X-API-Key", KEY)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
    return r.body().isEmpty() ? null : new JsonObject(r.body());
  }

  private static JsonObject data(String method, String path, String json, int expected)
      throws Exception {
    return call(method, path, json, expected).getJsonObject("data");
  }

  private static String status(String path) throws Exception {
    return data("GET", path, null, 200).getString("status");
  }

  private static String leaseHolder(String lease) {
    var l = kube.leases().inNamespace("lanes").withName(lease).get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }

  private static List<Job> jobsOf(String buildId) {
    String name = "build-" + buildId.replace("-", "");
    return kube.batch().v1().jobs().inNamespace("paas-builds").list().getItems().stream()
        .filter(j -> j.getMetadata().getName().equals(name))
        .toList();
  }

  @Test
  @Order(1)
  void theWalkThroughRunsOverKafka() throws Exception {
    JsonObject build =
        data("POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"main\"}", 201);
    assertThat(build.getString("status")).isEqualTo("succeeded");
    data("POST", "/api/v1/lanes", "{\"name\":\"dev\"}", 201);

    JsonObject release =
        data(
            "POST",
            "/api/v1/releases?wait=60s",
            "{\"app\":\"web\",\"lane\":\"dev\",\"tag\":\"" + build.getString("tag") + "\"}",
            200);

    assertThat(release.getString("status")).isEqualTo("deployed");
    assertThat(kube.apps().deployments().inNamespace("prod").withName("web-dev").get()).isNotNull();
    await()
        .atMost(LONG)
        .until(
            () -> {
              HttpResponse<String> routes =
                  http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + registry + "/v1/routes/web"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
              return routes.statusCode() == 200 && routes.body().contains("\"dev\"");
            });
  }

  @Test
  @Order(2)
  void aBuildServiceReplicaStoppedMidBuildLosesNothingAndNothingRunsTwice() throws Exception {
    commit("FROM alpine\n# sandbox: sleep 4s\nRUN echo slow\n");
    String id =
        data("POST", "/api/v1/apps/web/builds", "{\"git_ref\":\"main\",\"force\":true}", 202)
            .getString("id");
    String path = "/api/v1/apps/web/builds/" + id;
    await().atMost(LONG).until(() -> status(path).equals("running"));

    // stop the replica that turns Job status into build status: the other must take over
    String leader = leaseHolder("lanes-build-service");
    assertThat(leader).isIn("build-1", "build-2");
    services.remove(leader).close();

    await().atMost(LONG).until(() -> status(path).equals("succeeded"));
    assertThat(leaseHolder("lanes-build-service")).isNotEqualTo(leader);
    assertThat(jobsOf(id)).as("Jobs of build " + id).hasSize(1);
  }

  @Test
  @Order(3)
  void whileTheBrokerIsDownWritesAnswer503AndNothingIsHalfWrittenThenTheyGoThroughOnce()
      throws Exception {
    String tag = data("GET", "/api/v1/apps/web/builds/latest", null, 200).getString("tag");
    String release = "{\"app\":\"web\",\"lane\":\"prod\",\"tag\":\"" + tag + "\"}";
    long releases = count("select count(*) from release_revisions");
    kafka.close();

    // release-service records releases and the API asks it over the broker: without the broker
    // the API says to try again, and nothing is written
    JsonObject refused = call("POST", "/api/v1/releases", release, 503);
    assertThat(refused.getString("code")).isEqualTo("service_unavailable");
    assertThat(count("select count(*) from release_revisions")).isEqualTo(releases);

    kafka = StandaloneKafka.start(new StandaloneKafka.Settings(kafkaPort, dir.resolve("kafka")));

    // once every consumer is back a lane can be created again (a retry after a late answer
    // finds it there)
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () -> {
              int status = post("/api/v1/lanes", "{\"name\":\"after-broker\"}");
              return status == 201 || status == 409;
            });
    String id = data("POST", "/api/v1/releases", release, 202).getString("id");
    await()
        .atMost(Duration.ofSeconds(90))
        .until(() -> status("/api/v1/releases/" + id).equals("deployed"));
    await().atMost(LONG).until(() -> unpublishedOutboxRows() == 0);
    // the command was published once, and the release was deployed once: a redelivery that was
    // applied again would have reported its status again
    assertThat(count(rowsOf(id, "dev.lanes.release.apply"))).isEqualTo(1);
    assertThat(
            count(
                rowsOf(id, "dev.lanes.release.status")
                    + " and payload->'message'->'data'->>'status' = 'deployed'"))
        .isEqualTo(1);
    assertThat(count("select count(*) from release_revisions")).isEqualTo(releases + 1);
  }

  private static int post(String path, String json) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + path))
                .header("X-API-Key", KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  @Order(4)
  void whilePostgresRestartsTheApiAnswers503AndEveryServiceRecoversWithoutARestart()
      throws Exception {
    db.close();

    HttpResponse<String> down =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/api/v1/lanes"))
                .header("X-API-Key", KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.headers().firstValue("Retry-After")).isPresent();
    assertThat(new JsonObject(down.body()).getString("code")).isEqualTo("database_unavailable");

    // the workers say they are not ready, and when to ask again, while it is away
    for (String worker : runningWorkers()) {
      await().atMost(LONG).until(() -> readyz(worker).statusCode() == 503);
      assertThat(readyz(worker).headers().firstValue("Retry-After")).isPresent();
    }

    db = EmbeddedDatabase.start(dir.resolve("postgres"), dbPort);

    for (String worker : runningWorkers()) {
      await().atMost(LONG).until(() -> readyz(worker).statusCode() == 200);
    }
    await().atMost(LONG).ignoreExceptions().until(() -> status("/api/v1/lanes/prod") != null);
    // the gateway, its outbox relay, build-service and release-service all reconnected
    commit("FROM alpine\nRUN echo after the restart\n");
    JsonObject build =
        data("POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"main\"}", 201);
    assertThat(build.getString("status")).isEqualTo("succeeded");
    JsonObject release =
        data(
            "POST",
            "/api/v1/releases?wait=60s",
            "{\"app\":\"web\",\"lane\":\"dev\",\"tag\":\"" + build.getString("tag") + "\"}",
            200);
    assertThat(release.getString("status")).isEqualTo("deployed");
  }

  /** The workers still running (one build-service replica was stopped by an earlier test). */
  private static List<String> runningWorkers() {
    return health.keySet().stream().filter(services::containsKey).toList();
  }

  private static HttpResponse<String> readyz(String worker) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.get(worker) + "/readyz"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String rowsOf(String aggregateId, String type) {
    return "select count(*) from outbox where aggregate_id = '"
        + aggregateId
        + "' and event_type = '"
        + type
        + "'";
  }

  private static long unpublishedOutboxRows() throws Exception {
    return count("select count(*) from outbox where published_at is null");
  }

  private static long count(String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + db.port() + "/postgres", "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
