package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.sdk.LaneRouter;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routing walk-through on the platform as {@code make run} starts it: an app released to dev
 * and prod appears in the registry once its pods are ready, a subscribed SDK routes {@code x-lane:
 * dev} to {@code web-dev} and an absent lane to {@code web}, the SDKs' example programs agree, and
 * deleting the lane takes it away from every subscriber.
 */
class RoutingWalkThroughTest {

  private static final String KEY = "routing-walk-through-key";
  private static final Duration WAIT = Duration.ofSeconds(30);
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private int api;

  private JsonObject data(String method, String path, String json, int expected) throws Exception {
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
    return new JsonObject(r.body()).getJsonObject("data");
  }

  private static String run(List<String> command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(new File("..")).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void aReleasedLaneIsRoutedAndADeletedOneIsNot() throws Exception {
    Path repo = dir.resolve("web");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), "FROM alpine\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("one").setAuthor("t", "t@e.com").setCommitter("t", "t@e.com").call();
    }
    PlatformConfig config =
        PlatformConfig.from(
            Map.of(
                "LANES_DATA_DIR", dir.resolve("data").toString(),
                "HTTP_PORT", "0",
                "REGISTRY_HTTP_PORT", "0",
                "BIND_ADDRESS", "127.0.0.1",
                "API_TOKEN", KEY,
                "SANDBOX_STEP_DELAY", "20ms"));
    try (LanesPlatform platform = LanesPlatform.start(config)) {
      api = platform.apiPort();
      String registry = "http://127.0.0.1:" + platform.registryPort();
      data(
          "POST",
          "/api/v1/image-repos",
          "{\"name\":\"web\",\"registry\":\"registry.local/web\",\"git_repo\":\"file://"
              + repo
              + "\"}",
          201);
      data("POST", "/api/v1/apps", "{\"name\":\"web\",\"image_repo\":\"web\",\"port\":8080}", 201);
      String tag = data("POST", "/api/v1/apps/web/builds?wait=60s", "{}", 201).getString("tag");
      data("POST", "/api/v1/lanes", "{\"name\":\"dev\"}", 201);

      try (LaneRouter router = LaneRouter.start(registry, 9999)) {
        assertThat(router.awaitReady(WAIT)).isTrue();
        assertThat(router.resolve("web", "dev")).isEqualTo("web:9999");

        data(
            "POST",
            "/api/v1/releases?wait=60s",
            "{\"app\":\"web\",\"lane\":\"prod\",\"tag\":\"" + tag + "\"}",
            200);
        data(
            "POST",
            "/api/v1/releases?wait=60s",
            "{\"app\":\"web\",\"lane\":\"dev\",\"tag\":\"" + tag + "\"}",
            200);
        await().atMost(WAIT).until(() -> router.resolve("web", "dev").equals("web-dev:8080"));
        assertThat(router.resolve("web", "qa")).isEqualTo("web:8080");
        assertThat(router.table().route("web").lanes()).containsExactly("dev", "prod");

        String java =
            run(
                List.of(
                    System.getProperty("java.home") + "/bin/java",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "sdk/java/examples/RouteDemo.java",
                    "--registry",
                    registry,
                    "--app",
                    "web"));
        assertThat(java)
            .contains("x-lane: dev -> http://web-dev:8080/")
            .contains("x-lane: qa -> http://web:8080/");
        String python =
            run(
                List.of(
                    "python3",
                    "sdk/python/examples/route_demo.py",
                    "--registry",
                    registry,
                    "--app",
                    "web"));
        assertThat(python)
            .contains("x-lane: dev -> http://web-dev:8080/")
            .contains("x-lane: qa -> http://web:8080/");

        data("DELETE", "/api/v1/lanes/dev", null, 202);
        await().atMost(WAIT).until(() -> router.resolve("web", "dev").equals("web:8080"));
        assertThat(router.table().route("web").lanes()).containsExactly("prod");
      }
    }
  }
}
