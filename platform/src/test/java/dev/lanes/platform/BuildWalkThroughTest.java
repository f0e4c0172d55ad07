package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's build walk-through against the platform as {@code make run} starts it: the sandbox
 * cluster, a local git repository, HTTP only.
 */
class BuildWalkThroughTest {

  private static final String KEY = "walk-through-admin-key";
  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

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

  private HttpResponse<String> call(int port, String method, String path, String json)
      throws Exception {
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
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String commit(Path repo, String dockerfile) throws Exception {
    try (Git git =
        Files.exists(repo.resolve(".git"))
            ? Git.open(repo.toFile())
            : Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), dockerfile);
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage("c")
          .setAuthor("t", "t@e.com")
          .setCommitter("t", "t@e.com")
          .call()
          .getName();
    }
  }

  @Test
  void buildsALocalRepositoryFollowsItsLogAndKeepsTheLogAcrossARestart() throws Exception {
    Path repo = dir.resolve("web");
    String sha = commit(repo, "FROM alpine\nRUN echo compiling\n");
    String buildId;
    try (LanesPlatform platform = LanesPlatform.start(config())) {
      int api = platform.apiPort();
      assertThat(platform.sandbox()).isNotNull();
      assertThat(Files.exists(dir.resolve("data/sandbox/kubeconfig"))).isTrue();
      assertThat(
              call(
                      api,
                      "POST",
                      "/api/v1/image-repos",
                      "{\"name\":\"web\",\"registry\":\"registry.local/team/web\",\"git_repo\":\"file://"
                          + repo
                          + "\"}")
                  .statusCode())
          .isEqualTo(201);
      assertThat(
              call(
                      api,
                      "POST",
                      "/api/v1/apps",
                      "{\"name\":\"web\",\"image_repo\":\"web\",\"port\":8080}")
                  .statusCode())
          .isEqualTo(201);

      HttpResponse<String> built =
          call(api, "POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"main\"}");

      assertThat(built.statusCode()).isEqualTo(201);
      JsonObject build = new JsonObject(built.body()).getJsonObject("data");
      assertThat(build.getString("status")).isEqualTo("succeeded");
      assertThat(build.getString("tag")).isEqualTo(sha.substring(0, 7));
      assertThat(build.getString("image"))
          .isEqualTo("registry.local/team/web:" + sha.substring(0, 7));
      buildId = build.getString("id");

      // a slower build, followed from the start: the answer ends when the build does
      commit(repo, "FROM alpine\nRUN echo one\n# sandbox: sleep 1s\nRUN echo two\n");
      String second =
          new JsonObject(call(api, "POST", "/api/v1/apps/web/builds", "{}").body())
              .getJsonObject("data")
              .getString("id");
      HttpResponse<String> followed =
          call(api, "GET", "/api/v1/apps/web/builds/" + second + "/logs?follow=true", null);
      assertThat(followed.statusCode()).isEqualTo(200);
      assertThat(followed.body())
          .contains("RUN echo one")
          .contains("RUN echo two")
          .contains("Pushed");
      // polled many times, yet every line once and in order: what was followed is the saved log
      HttpResponse<String> saved =
          call(api, "GET", "/api/v1/apps/web/builds/" + second + "/logs", null);
      assertThat(followed.body()).isEqualTo(saved.body());

      // a failing step fails the build, and says so as a code beside the words
      commit(repo, "FROM alpine\nRUN false\n");
      JsonObject failed =
          new JsonObject(
                  call(api, "POST", "/api/v1/apps/web/builds?wait=60s", "{\"git_ref\":\"main\"}")
                      .body())
              .getJsonObject("data");
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getString("reason")).isEqualTo("build_step_failed");
      assertThat(failed.getString("message")).contains("failed to execute command");
    }

    try (LanesPlatform again = LanesPlatform.start(config())) {
      HttpResponse<String> log =
          call(again.apiPort(), "GET", "/api/v1/apps/web/builds/" + buildId + "/logs", null);
      assertThat(log.statusCode()).isEqualTo(200);
      assertThat(log.body()).contains("RUN echo compiling").contains("Pushed");
      assertThat(
              new JsonObject(
                      call(again.apiPort(), "GET", "/api/v1/apps/web/builds/latest", null).body())
                  .getJsonObject("data")
                  .getString("status"))
          .isEqualTo("succeeded");
    }
  }

  /**
   * An image repo with {@code builder: buildkit}: its build runs as a rootless BuildKit Job and
   * reports its digest as Kaniko's builds do.
   */
  @Test
  void aBuildkitRepoBuildsWithABuildKitJobAndReportsItsDigest() throws Exception {
    Path repo = dir.resolve("api");
    String sha = commit(repo, "FROM alpine\nRUN echo compiling\n");
    try (LanesPlatform platform = LanesPlatform.start(config())) {
      int api = platform.apiPort();
      JsonObject created =
          new JsonObject(
              call(
                      api,
                      "POST",
                      "/api/v1/image-repos",
                      new JsonObject()
                          .put("name", "api")
                          .put("registry", "registry.local/team/api")
                          .put("git_repo", "file://" + repo)
                          .put("builder", "buildkit")
                          .put("build_args", new JsonObject().put("BASE", "alpine").put("V", "1"))
                          .encode())
                  .body());
      assertThat(created.getJsonObject("data").getString("builder")).isEqualTo("buildkit");
      call(api, "POST", "/api/v1/apps", "{\"name\":\"api\",\"image_repo\":\"api\",\"port\":80}");

      // the build's own arguments go over the repo's, for this build only
      JsonObject build =
          new JsonObject(
                  call(
                          api,
                          "POST",
                          "/api/v1/apps/api/builds?wait=60s",
                          "{\"git_ref\":\"main\",\"build_args\":{\"V\":\"2\"}}")
                      .body())
              .getJsonObject("data");

      assertThat(build.getString("status")).isEqualTo("succeeded");
      assertThat(build.getString("digest")).matches("sha256:[0-9a-f]{64}");
      String id = build.getString("id");
      assertThat(call(api, "GET", "/api/v1/apps/api/builds/" + id + "/logs", null).body())
          .contains("[2/2] RUN echo compiling")
          .contains("pushing manifest for registry.local/team/api:" + sha.substring(0, 7));
      Job job =
          platform
              .sandbox()
              .client()
              .batch()
              .v1()
              .jobs()
              .inAnyNamespace()
              .withLabel("lanes.dev/build-id", id)
              .list()
              .getItems()
              .get(0);
      Container c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
      assertThat(c.getName()).isEqualTo("buildkit");
      assertThat(c.getImage()).startsWith("moby/buildkit:").endsWith("-rootless");
      assertThat(c.getArgs()).contains("--opt=build-arg:BASE=alpine", "--opt=build-arg:V=2");

      // a failing step fails the build with BuildKit's words and the same reason as Kaniko's
      commit(repo, "FROM alpine\nRUN false\n");
      JsonObject failed = buildAndWait(api, "api");
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getString("reason")).isEqualTo("build_step_failed");
      assertThat(failed.getString("message")).startsWith("BuildKit exited with code 1");
    }
  }

  /**
   * A build secret reaches BuildKit's {@code RUN --mount=type=secret} from the repo's Secret (the
   * simulation fails the step when the Job did not pass it), and its value is in neither the log
   * nor the Job.
   */
  @Test
  void aBuildSecretReachesTheRunStepThatMountsItAndNothingElse() throws Exception {
    Path repo = dir.resolve("sec");
    commit(repo, "FROM alpine\nRUN --mount=type=secret,id=NPM_TOKEN npm ci\n");
    String canary = "npm_walkthrough_canary_5d2c";
    try (LanesPlatform platform = LanesPlatform.start(config())) {
      int api = platform.apiPort();
      JsonObject body =
          new JsonObject()
              .put("name", "sec")
              .put("registry", "registry.local/team/sec")
              .put("git_repo", "file://" + repo)
              .put("builder", "buildkit");
      assertThat(call(api, "POST", "/api/v1/image-repos", body.encode()).statusCode())
          .isEqualTo(201);
      call(api, "POST", "/api/v1/apps", "{\"name\":\"sec\",\"image_repo\":\"sec\",\"port\":80}");

      // without the secret the step that mounts it fails, as BuildKit's required mount does
      JsonObject missing = buildAndWait(api, "sec");
      assertThat(missing.getString("status")).isEqualTo("failed");
      assertThat(missing.getString("message")).contains("secret NPM_TOKEN: not found");

      call(
          api,
          "PUT",
          "/api/v1/image-repos/sec",
          new JsonObject()
              .put("build_secrets", new JsonObject().put("NPM_TOKEN", canary))
              .encode());
      String path = "/api/v1/apps/sec/builds?wait=60s";
      JsonObject built =
          new JsonObject(call(api, "POST", path, "{\"git_ref\":\"main\",\"force\":true}").body())
              .getJsonObject("data");

      assertThat(built.getString("status")).as(built.encode()).isEqualTo("succeeded");
      String log =
          call(api, "GET", "/api/v1/apps/sec/builds/" + built.getString("id") + "/logs", null)
              .body();
      assertThat(log)
          .contains("RUN --mount=type=secret,id=NPM_TOKEN npm ci")
          .doesNotContain(canary);
      var k8s = platform.sandbox().client();
      String jobs =
          io.fabric8.kubernetes.client.utils.Serialization.asJson(
              k8s.batch().v1().jobs().inAnyNamespace().list());
      assertThat(jobs).contains("sec-build-secrets").doesNotContain(canary);
      assertThat(
              k8s.secrets()
                  .inNamespace("paas-builds")
                  .withName("sec-build-secrets")
                  .get()
                  .getMetadata()
                  .getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "lanes");
    }
  }

  private JsonObject buildAndWait(int api, String app) throws Exception {
    String path = "/api/v1/apps/" + app + "/builds?wait=60s";
    return new JsonObject(call(api, "POST", path, "{\"git_ref\":\"main\"}").body())
        .getJsonObject("data");
  }
}
