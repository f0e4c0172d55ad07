package dev.lanes.bench;

import dev.lanes.platform.LanesPlatform;
import dev.lanes.platform.PlatformConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;

/** The platform as make run starts it, with a local git repository and an app to build. */
final class BenchPlatform implements AutoCloseable {

  static final String KEY = "bench-admin-key";
  final Path dir;
  final LanesPlatform platform;
  private final HttpClient http = HttpClient.newHttpClient();

  BenchPlatform(Map<String, String> env, String dockerfile) throws Exception {
    dir = Files.createTempDirectory("lanes-bench");
    Map<String, String> all = new HashMap<>(env);
    all.put("LANES_DATA_DIR", dir.resolve("data").toString());
    all.put("HTTP_PORT", "0");
    all.put("REGISTRY_HTTP_PORT", "0");
    all.put("BIND_ADDRESS", "127.0.0.1");
    all.put("API_TOKEN", KEY);
    platform = LanesPlatform.start(PlatformConfig.from(all));
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

  JsonObject post(String path, JsonObject body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.apiPort() + path))
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
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.apiPort() + path))
                .header("X-API-Key", KEY)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return new JsonObject(r.body());
  }

  static String percentiles(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    return String.format(
        "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)",
        at(sorted, 0.50),
        at(sorted, 0.90),
        at(sorted, 0.99),
        sorted.get(sorted.size() - 1) / 1e6,
        sorted.size());
  }

  private static double at(List<Long> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
  }

  @Override
  public void close() throws java.io.IOException {
    platform.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
