package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds and releases on {@code /metrics}, as {@code make run} serves them: counts by status, the
 * build queue, rollouts under way, and how long builds and rollouts took, by outcome; and the whole
 * output passes {@code promtool check metrics} where promtool is built.
 */
class PlatformMetricsTest {

  private static final String KEY = "metrics-admin-key";
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void buildsAndReleasesAreCountedAndTimedByOutcome() throws Exception {
    Path repo = dir.resolve("web");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), "FROM alpine\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("c").setAuthor("t", "t@e.com").setCommitter("t", "t@e.com").call();
      // a second commit on its own branch whose simulated build runs long enough to be cancelled
      git.checkout().setCreateBranch(true).setName("slow").call();
      Files.writeString(repo.resolve("Dockerfile"), "FROM alpine\n# sandbox: sleep 10m\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("s").setAuthor("t", "t@e.com").setCommitter("t", "t@e.com").call();
    }
    try (LanesPlatform platform = LanesPlatform.start(config())) {
      int api = platform.apiPort();
      call(
          api,
          "POST",
          "/api/v1/image-repos",
          "{\"name\":\"web\",\"registry\":\"registry.local/web\",\"git_repo\":\"file://"
              + repo
              + "\"}");
      call(api, "POST", "/api/v1/apps", "{\"name\":\"web\",\"image_repo\":\"web\",\"port\":8080}");
      call(api, "POST", "/api/v1/lanes", "{\"name\":\"dev\"}");
      assertThat(call(api, "POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"main\"}"))
          .contains("\"status\":\"succeeded\"");
      assertThat(call(api, "POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"nope\"}"))
          .contains("\"status\":\"failed\"");
      String slow = call(api, "POST", "/api/v1/apps/web/builds", "{\"git_ref\":\"slow\"}");
      String slowId = slow.replaceAll("(?s).*?\"id\":\"([0-9a-f-]{36})\".*", "$1");
      assertThat(call(api, "POST", "/api/v1/apps/web/builds/" + slowId + "/cancel", null))
          .contains("\"status\":\"cancelled\"");
      String tag =
          call(api, "GET", "/api/v1/apps/web/builds/latest", null)
              .replaceAll("(?s).*\"tag\":\"([0-9a-f]{7})\".*", "$1");
      assertThat(
              call(
                  api,
                  "POST",
                  "/api/v1/releases?wait=60s",
                  "{\"app\":\"web\",\"lane\":\"dev\",\"tag\":\"" + tag + "\"}"))
          .contains("\"status\":\"deployed\"");
      // the same source built by BuildKit: timed under its own builder
      call(
          api,
          "POST",
          "/api/v1/image-repos",
          "{\"name\":\"api\",\"registry\":\"registry.local/api\",\"builder\":\"buildkit\","
              + "\"git_repo\":\"file://"
              + repo
              + "\"}");
      call(api, "POST", "/api/v1/apps", "{\"name\":\"api\",\"image_repo\":\"api\",\"port\":80}");
      assertThat(call(api, "POST", "/api/v1/apps/api/builds?wait=60s", "{\"git_ref\":\"main\"}"))
          .contains("\"status\":\"succeeded\"");

      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(call(api, "GET", "/metrics", null))
                      .contains("lanes_builds{status=\"succeeded\"} 2.0")
                      .contains("lanes_builds{status=\"failed\"} 1.0")
                      .contains("lanes_builds{status=\"cancelled\"} 1.0")
                      .contains(
                          "lanes_build_duration_seconds_count{builder=\"kaniko\",outcome=\"cancelled\"} 1")
                      .contains("lanes_builds{status=\"queued\"} 0.0")
                      .contains("lanes_build_queue_length 0.0")
                      .contains("lanes_releases{status=\"deployed\"} 1.0")
                      .contains("lanes_rollouts_in_progress 0.0"));
      String metrics = call(api, "GET", "/metrics", null);
      assertThat(metrics)
          .contains(
              "lanes_build_duration_seconds_count{builder=\"kaniko\",outcome=\"succeeded\"} 1")
          .contains("lanes_build_duration_seconds_count{builder=\"kaniko\",outcome=\"failed\"} 1")
          .contains(
              "lanes_build_duration_seconds_count{builder=\"buildkit\",outcome=\"succeeded\"} 1")
          .contains(
              "lanes_build_duration_seconds_bucket{builder=\"buildkit\",outcome=\"succeeded\",le=")
          .contains("lanes_release_duration_seconds_count{outcome=\"deployed\"} 1")
          .contains("# HELP lanes_builds Builds by status");
      assertThat(promtoolWarnings(metrics)).isEmpty();
    }
  }

  /**
   * What {@code promtool check metrics} says of the live output, histograms observed: nothing.
   * promtool is not a Maven artifact: .ci/run builds it from its Go module into
   * ~/.cache/lanes/tools/bin, and it is also taken from PATH. Where neither has it, the check is
   * skipped (an Assumption), and PrometheusNamingTest still checks the JVM names it would flag.
   */
  private String promtoolWarnings(String metrics) throws Exception {
    Optional<Path> promtool =
        Stream.concat(
                Stream.of(Path.of(System.getProperty("user.home"), ".cache/lanes/tools/bin")),
                Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                    .filter(d -> !d.isEmpty())
                    .map(Path::of))
            .map(d -> d.resolve("promtool"))
            .filter(Files::isExecutable)
            .findFirst();
    assumeTrue(promtool.isPresent(), "promtool is not built here");
    Path in = Files.writeString(dir.resolve("metrics.txt"), metrics);
    Path out = dir.resolve("promtool.out");
    Process p =
        new ProcessBuilder(promtool.get().toString(), "check", "metrics")
            .redirectInput(in.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(out).strip();
    assertThat(p.exitValue()).as(said).isZero();
    return said;
  }

  private PlatformConfig config() {
    return PlatformConfig.from(
        Map.of(
            "LANES_DATA_DIR", dir.resolve("data").toString(),
            "HTTP_PORT", "0",
            "REGISTRY_HTTP_PORT", "0",
            "BIND_ADDRESS", "127.0.0.1",
            "API_TOKEN", KEY,
            "SANDBOX_STEP_DELAY", "30ms"));
  }

  private String call(int port, String method, String path, String json) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-API-Key", KEY)
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }
}
