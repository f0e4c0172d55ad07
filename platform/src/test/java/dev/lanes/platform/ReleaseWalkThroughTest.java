package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release walk-through of the README on the platform as {@code make run} starts it: build,
 * release to dev then prod, roll prod back, fail a rollout on purpose, delete the dev lane,
 * restart.
 */
class ReleaseWalkThroughTest {

  private static final String KEY = "walk-through-admin-key";
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private int api;

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

  private JsonObject call(String method, String path, String json, int expected) throws Exception {
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

  private JsonObject data(String method, String path, String json, int expected) throws Exception {
    return call(method, path, json, expected).getJsonObject("data");
  }

  @Test
  void buildReleaseRollBackFailOnPurposeAndDeleteALane() throws Exception {
    Path repo = dir.resolve("web");
    String first;
    String second;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), "FROM alpine\n");
      git.add().addFilepattern(".").call();
      first =
          git.commit()
              .setMessage("one")
              .setAuthor("t", "t@e.com")
              .setCommitter("t", "t@e.com")
              .call()
              .getName()
              .substring(0, 7);
      git.tag().setName("v1").call(); // a short commit resolves only at a branch or tag tip
      Files.writeString(repo.resolve("Dockerfile"), "FROM alpine\nRUN echo two\n");
      git.add().addFilepattern(".").call();
      second =
          git.commit()
              .setMessage("two")
              .setAuthor("t", "t@e.com")
              .setCommitter("t", "t@e.com")
              .call()
              .getName()
              .substring(0, 7);
    }
    String prodId;
    try (LanesPlatform platform = LanesPlatform.start(config())) {
      api = platform.apiPort();
      var k8s = platform.sandbox().client();
      data(
          "POST",
          "/api/v1/image-repos",
          "{\"name\":\"web\",\"registry\":\"registry.local/team/web\",\"git_repo\":\"file://"
              + repo
              + "\"}",
          201);
      data(
          "POST",
          "/api/v1/apps",
          "{\"name\":\"web\",\"image_repo\":\"web\",\"port\":8080,\"health_path\":\"/healthz\",\"secret_envs\":{\"TOKEN\":\"s3\"}}",
          201);
      assertThat(
              data("POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"v1\"}", 201)
                  .getString("tag"))
          .isEqualTo(first);
      assertThat(
              data("POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"main\"}", 201)
                  .getString("tag"))
          .isEqualTo(second);
      data("POST", "/api/v1/lanes", "{\"name\":\"dev\"}", 201);

      JsonObject dev =
          data(
              "POST",
              "/api/v1/releases?wait=60s",
              "{\"app\":\"web\",\"lane\":\"dev\",\"tag\":\"" + second + "\"}",
              200);
      assertThat(dev.getString("status")).isEqualTo("deployed");
      JsonObject prod =
          data(
              "POST",
              "/api/v1/releases?wait=60s",
              "{\"app\":\"web\",\"lane\":\"prod\",\"tag\":\"" + first + "\"}",
              200);
      prodId = prod.getString("id");
      data(
          "POST",
          "/api/v1/releases?wait=60s",
          "{\"app\":\"web\",\"lane\":\"prod\",\"tag\":\"" + second + "\"}",
          200);
      assertThat(k8s.apps().deployments().inNamespace("prod").withName("web-dev").get())
          .isNotNull();
      assertThat(k8s.services().inNamespace("prod").withName("web").get().getSpec().getSelector())
          .containsEntry("lane", "prod");
      assertThat(
              data("GET", "/api/v1/releases/" + prodId + "/status", null, 200)
                  .getInteger("available"))
          .isEqualTo(1);

      JsonObject back =
          data("POST", "/api/v1/releases/" + prodId + "/rollback?wait=60s", null, 200);
      assertThat(back.getString("tag")).isEqualTo(first);
      assertThat(back.getInteger("revision")).isEqualTo(3);
      assertThat(
              k8s.apps()
                  .deployments()
                  .inNamespace("prod")
                  .withName("web-prod")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getImage())
          .endsWith(":" + first);

      JsonObject crashed =
          data(
              "POST",
              "/api/v1/releases?wait=60s",
              "{\"app\":\"web\",\"lane\":\"dev\",\"envs\":{\"SANDBOX_CRASH\":\"1\"}}",
              200);
      assertThat(crashed.getString("status")).isEqualTo("failed");
      assertThat(crashed.getString("reason")).isEqualTo("crash_loop");
      assertThat(crashed.getString("message")).contains("CrashLoopBackOff");

      assertThat(data("DELETE", "/api/v1/lanes/dev", null, 202).getString("status"))
          .isEqualTo("deleting");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> call("GET", "/api/v1/lanes/dev", null, 404));
      assertThat(k8s.apps().deployments().inNamespace("prod").withName("web-dev").get()).isNull();
    }

    try (LanesPlatform again = LanesPlatform.start(config())) {
      // the sandbox kept nothing: what Lanes released is written again
      api = again.apiPort();
      var k8s = again.sandbox().client();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  k8s.apps().deployments().inNamespace("prod").withName("web-prod").get() != null);
      assertThat(data("GET", "/api/v1/releases/" + prodId, null, 200).getString("status"))
          .isEqualTo("deployed");
    }
  }
}
