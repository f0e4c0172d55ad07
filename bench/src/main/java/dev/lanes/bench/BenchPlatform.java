package dev.lanes.bench;

import dev.lanes.platform.LanesPlatform;
import dev.lanes.platform.PlatformConfig;
import dev.lanes.sandbox.SandboxCluster;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/**
 * Lanes with a local git repository and an app to build: the platform as make run starts it (one
 * JVM, the event bus), or services started some other way ({@link KafkaServices}) reached through
 * their API port.
 */
final class BenchPlatform implements AutoCloseable {

  static final String KEY = "bench-admin-key";
  final Path dir;
  final int apiPort;
  final SandboxCluster sandbox;

  /** The registry's port, when this JVM runs the platform; else 0. */
  int registryPort;

  private final int dbPort;
  private final AutoCloseable running;
  private final HttpClient http = HttpClient.newHttpClient();

  /** The one-JVM platform, as make run starts it, with {@code env} added. */
  BenchPlatform(Map<String, String> env, String dockerfile) throws Exception {
    this(Files.createTempDirectory("lanes-bench"), env, dockerfile);
  }

  private BenchPlatform(Path dir, Map<String, String> env, String dockerfile) throws Exception {
    this(dir, LanesPlatform.start(config(dir, env)), dockerfile);
  }

  private BenchPlatform(Path dir, LanesPlatform platform, String dockerfile) throws Exception {
    this(
        dir,
        platform.apiPort(),
        platform.sandbox(),
        postmasterPort(dir.resolve("data/postgres")),
        platform,
        dockerfile);
    this.registryPort = platform.registryPort();
  }

  /**
   * Lanes already running: its API on {@code apiPort} (admin key {@link #KEY}), its cluster, its
   * PostgreSQL on {@code dbPort}; {@code running} stops it.
   */
  BenchPlatform(
      Path dir,
      int apiPort,
      SandboxCluster sandbox,
      int dbPort,
      AutoCloseable running,
      String dockerfile)
      throws Exception {
    this.dir = dir;
    this.apiPort = apiPort;
    this.sandbox = sandbox;
    this.dbPort = dbPort;
    this.running = running;
    Path repo = dir.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), dockerfile);
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("bench")
          .setAuthor("b", "b@e.com")
          .setCommitter("b", "b@e.com")
          .call();
    }
    post(
        "/api/v1/image-repos",
        new JsonObject()
            .put("name", "bench")
            .put("registry", "registry.local/bench")
            .put("git_repo", "file://" + repo));
    post(
        "/api/v1/apps",
        new JsonObject().put("name", "bench").put("image_repo", "bench").put("port", 8080));
  }

  private static PlatformConfig config(Path dir, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("LANES_DATA_DIR", dir.resolve("data").toString());
    all.put("HTTP_PORT", "0");
    all.put("REGISTRY_HTTP_PORT", "0");
    all.put("BIND_ADDRESS", "127.0.0.1");
    all.put("API_TOKEN", KEY);
    return PlatformConfig.from(all);
  }

  private static int postmasterPort(Path dataDir) throws java.io.IOException {
    return Integer.parseInt(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(3).trim());
  }

  /** A JDBC connection to Lanes's database, for what the API does not show. */
  Connection connect() throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres", "postgres", "");
  }

  JsonObject post(String path, JsonObject body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("X-API-Key", KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
    }
    return new JsonObject(r.body()).getJsonObject("data");
  }

  JsonObject get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("X-API-Key", KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  static String percentiles(List<Long> nanos) {
    return Latencies.of(nanos).toString();
  }

  @Override
  public void close() throws Exception {
    running.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
