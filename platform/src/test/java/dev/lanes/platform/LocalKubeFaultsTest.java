package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.testkit.GitHttpServer;
import dev.lanes.testkit.LocalKube;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on a local control plane of real components (bin/local-kube), the platform running as
 * {@code make run-kube} runs it: each service with its own ServiceAccount, RBAC from
 * deploy/kubernetes/base. Each test has its own platform (and PostgreSQL) and its own app names.
 */
class LocalKubeFaultsTest {

  private static final String KEY = "local-kube-faults-key";
  private static final String NS = "prod";
  @TempDir static Path kubeDir;
  private static LocalKube kube;
  private static KubernetesClient k8s;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private int api;

  @BeforeAll
  static void startCluster() throws Exception {
    kube = LocalKube.start(kubeDir.resolve("kube"));
    k8s =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
            .build();
  }

  @AfterAll
  static void stopCluster() {
    if (k8s != null) {
      k8s.close();
    }
    if (kube != null) {
      kube.close();
    }
  }

  private LanesPlatform platform(Map<String, String> extra) throws Exception {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "LANES_DATA_DIR", dir.resolve("data").toString(),
                "HTTP_PORT", "0",
                "REGISTRY_HTTP_PORT", "0",
                "BIND_ADDRESS", "127.0.0.1",
                "API_TOKEN", KEY));
    env.putAll(kube.platformEnv());
    env.putAll(extra);
    LanesPlatform p = LanesPlatform.start(PlatformConfig.from(env));
    api = p.apiPort();
    return p;
  }

  /** A repository with that Dockerfile, the image repo and app {@code name} registered. */
  private void app(String name, String dockerfile) throws Exception {
    Path repo = dir.resolve(name);
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), dockerfile);
      git.add().addFilepattern(".").call();
      git.commit().setMessage("one").setAuthor("t", "t@e.com").setCommitter("t", "t@e.com").call();
    }
    data(
        "POST",
        "/api/v1/image-repos",
        new JsonObject()
            .put("name", name)
            .put("registry", "registry.local/team/" + name)
            .put("git_repo", "file://" + repo)
            .encode(),
        201);
    data(
        "POST",
        "/api/v1/apps",
        new JsonObject().put("name", name).put("image_repo", name).put("port", 8080).encode(),
        201);
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

  private JsonObject build(String app) throws Exception {
    return data("POST", "/api/v1/apps/" + app + "/builds?wait=60s", "{\"git_ref\":\"main\"}", 201);
  }

  private JsonObject release(String app, String lane, String tag, JsonObject envs)
      throws Exception {
    JsonObject body = new JsonObject().put("app", app).put("lane", lane).put("tag", tag);
    if (envs != null) {
      body.put("envs", envs);
    }
    return data("POST", "/api/v1/releases?wait=60s", body.encode(), 200);
  }

  @Test
  void aPrivateRepositoryBuildsWithTheReposSecretsUnderBuildServicesRole() throws Exception {
    Path work = dir.resolve("private-work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(
          work.resolve("Dockerfile"), "FROM alpine\nRUN echo private-on-local-kube\n");
      git.add().addFilepattern(".").call();
      git.commit().setMessage("one").setAuthor("t", "t@e.com").setCommitter("t", "t@e.com").call();
    }
    Git.cloneRepository()
        .setURI(work.toUri().toString())
        .setBare(true)
        .setDirectory(dir.resolve("git/team/priv.git").toFile())
        .call()
        .close();
    String password = "local-kube-canary-8e1f";
    try (GitHttpServer server =
            GitHttpServer.start(dir.resolve("git"), "x-access-token", password);
        LanesPlatform p = platform(Map.of())) {
      JsonObject basic =
          new JsonObject().put("username", "x-access-token").put("password", password);
      data(
          "POST",
          "/api/v1/image-repos",
          new JsonObject()
              .put("name", "priv")
              .put("registry", "registry.local/team/priv")
              .put("git_repo", server.url("team/priv.git"))
              .put("git_credentials", basic.copy().put("type", "basic"))
              .put("registry_credentials", basic)
              .encode(),
          201);
      data(
          "POST",
          "/api/v1/apps",
          new JsonObject().put("name", "priv").put("image_repo", "priv").put("port", 8080).encode(),
          201);

      JsonObject built = build("priv");

      // the kwok kubelet's Kaniko cloned with what the pod's secretKeyRefs resolved to
      assertThat(built.getString("status")).as(built.encode()).isEqualTo("succeeded");
      String id = built.getString("id");
      assertThat(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create(
                                  "http://127.0.0.1:"
                                      + api
                                      + "/api/v1/apps/priv/builds/"
                                      + id
                                      + "/logs"))
                          .header("X-API-Key", KEY)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body())
          .contains("RUN echo private-on-local-kube");
      // written by build-service under its own Role, labelled as Lanes's
      for (String name : List.of("priv-git", "priv-registry")) {
        assertThat(
                k8s.secrets()
                    .inNamespace("paas-builds")
                    .withName(name)
                    .get()
                    .getMetadata()
                    .getLabels())
            .containsEntry("app.kubernetes.io/managed-by", "lanes");
      }
      assertThat(server.served()).isPositive();
    }
  }

  @Test
  void aRolloutThatNeverGetsReadyFailsWithTheDeploymentsOwnReason() throws Exception {
    try (LanesPlatform p = platform(Map.of("RELEASE_TIMEOUT", "10s"))) {
      app("stall", "FROM alpine\n");
      String tag = build("stall").getString("tag");
      JsonObject r = release("stall", "prod", tag, new JsonObject().put("SANDBOX_NOT_READY", "1"));
      String id = r.getString("id");
      JsonObject failed =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> data("GET", "/api/v1/releases/" + id, null, 200),
                  x -> "failed".equals(x.getString("status")));
      // the real Deployment controller's condition and words
      assertThat(failed.getString("reason")).isEqualTo("progress_deadline_exceeded");
      assertThat(failed.getString("message"))
          .contains("ProgressDeadlineExceeded")
          .contains("has timed out progressing");
    }
  }

  @Test
  void aDeploymentEditedOrDeletedByHandIsPutBackAndForeignObjectsAreNeverTouched()
      throws Exception {
    Deployment foreign =
        k8s.apps()
            .deployments()
            .inNamespace(NS)
            .resource(
                new DeploymentBuilder()
                    .withNewMetadata()
                    .withName("heal-qa")
                    .addToLabels("app", "heal")
                    .endMetadata()
                    .withNewSpec()
                    .withNewSelector()
                    .addToMatchLabels("app", "heal-foreign")
                    .endSelector()
                    .withNewTemplate()
                    .withNewMetadata()
                    .addToLabels("app", "heal-foreign")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("c")
                    .withImage("nginx")
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build())
            .create();
    try (LanesPlatform p = platform(Map.of())) {
      app("heal", "FROM alpine\n");
      data("POST", "/api/v1/lanes", "{\"name\":\"dev\"}", 201);
      String tag = build("heal").getString("tag");
      JsonObject r = release("heal", "dev", tag, null);
      assertThat(r.getString("status")).isEqualTo("deployed");
      String uid = deployment("heal-dev").getMetadata().getUid();

      k8s.apps().deployments().inNamespace(NS).withName("heal-dev").delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  deployment("heal-dev") != null
                      && !uid.equals(deployment("heal-dev").getMetadata().getUid())
                      && Integer.valueOf(1)
                          .equals(deployment("heal-dev").getStatus().getReadyReplicas()));

      // tried again, as kubectl edit would be, when a controller wrote the Deployment in between
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
          .until(
              () -> {
                k8s.apps()
                    .deployments()
                    .inNamespace(NS)
                    .withName("heal-dev")
                    .edit(
                        d -> {
                          d.getSpec()
                              .getTemplate()
                              .getSpec()
                              .getContainers()
                              .get(0)
                              .setImage("evil:1");
                          d.getMetadata().getLabels().put("team", "heal");
                          return d;
                        });
                return true;
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          deployment("heal-dev")
                              .getSpec()
                              .getTemplate()
                              .getSpec()
                              .getContainers()
                              .get(0)
                              .getImage())
                      .endsWith(":" + tag));
      assertThat(deployment("heal-dev").getMetadata().getLabels()).containsEntry("team", "heal");
      assertThat(
              data("GET", "/api/v1/releases/" + r.getString("id"), null, 200).getString("status"))
          .isEqualTo("deployed");

      // a release in lane qa would be heal-qa, which is not Lanes's: refused, left as it was
      data("POST", "/api/v1/lanes", "{\"name\":\"qa\"}", 201);
      JsonObject refused = release("heal", "qa", tag, null);
      assertThat(refused.getString("status")).isEqualTo("failed");
      assertThat(refused.getString("reason")).isEqualTo("name_conflict");
      // its status moves (the real Deployment controller runs it), but its spec is as it was
      // (same generation), and Lanes never wrote a field of it
      Deployment after = deployment("heal-qa");
      assertThat(after.getMetadata().getGeneration())
          .isEqualTo(foreign.getMetadata().getGeneration());
      assertThat(after.getMetadata().getManagedFields())
          .extracting(m -> m.getManager())
          .doesNotContain("lanes");
    } finally {
      k8s.apps().deployments().inNamespace(NS).withName("heal-qa").delete();
    }
  }

  @Test
  void aPermissionMissingFromTheRolesFailsTheBuildOrReleaseNamingIt() throws Exception {
    try (LanesPlatform p = platform(Map.of())) {
      app("perm", "FROM alpine\n");
      String tag = build("perm").getString("tag");
      // release-service may no longer patch (apply) Deployments, build-service no longer create
      // Jobs
      kube.kubectl(
          "patch",
          "role",
          "lanes-release-service",
          "-n",
          NS,
          "--type",
          "json",
          "-p",
          "[{\"op\":\"replace\",\"path\":\"/rules/0/verbs\","
              + "\"value\":[\"get\",\"list\",\"watch\",\"create\",\"update\",\"delete\"]}]");
      kube.kubectl(
          "patch",
          "role",
          "lanes-build-service",
          "-n",
          "paas-builds",
          "--type",
          "json",
          "-p",
          "[{\"op\":\"replace\",\"path\":\"/rules/0/verbs\","
              + "\"value\":[\"get\",\"list\",\"watch\",\"deletecollection\"]}]");
      try {
        JsonObject r = release("perm", "prod", tag, null);
        assertThat(r.getString("status")).isEqualTo("failed");
        assertThat(r.getString("reason")).isEqualTo("forbidden");
        assertThat(r.getString("message"))
            .contains("forbidden")
            .contains("patch")
            .contains("deployments");

        JsonObject b =
            data(
                "POST",
                "/api/v1/apps/perm/builds?wait=60s",
                "{\"git_ref\":\"main\",\"force\":true}",
                201);
        assertThat(b.getString("status")).isEqualTo("failed");
        assertThat(b.getString("reason")).isEqualTo("forbidden");
        assertThat(b.getString("message"))
            .contains("forbidden")
            .contains("create")
            .contains("jobs");
      } finally {
        kube.kubectl(
            "apply",
            "-f",
            LocalKube.repositoryRoot()
                .resolve("deploy/kubernetes/base/rbac-release-service.yaml")
                .toString());
        kube.kubectl(
            "apply",
            "-f",
            LocalKube.repositoryRoot()
                .resolve("deploy/kubernetes/base/rbac-build-service.yaml")
                .toString());
      }
      // with the permissions back, the same release goes through
      assertThat(release("perm", "prod", tag, null).getString("status")).isEqualTo("deployed");
    }
  }

  @Test
  void buildsAndReleasesInFlightRideOutAnApiServerRestart() throws Exception {
    try (LanesPlatform p = platform(Map.of())) {
      List<String> builds = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        app("restart" + i, "FROM alpine\n# sandbox: sleep 4s\nRUN echo " + i + "\n");
        builds.add(
            data("POST", "/api/v1/apps/restart" + i + "/builds", "{\"git_ref\":\"main\"}", 202)
                .getString("id"));
      }
      kube.restartApiServer();
      List<String> tags = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String path = "/api/v1/apps/restart" + i + "/builds/" + builds.get(i);
        JsonObject done =
            await()
                .atMost(Duration.ofSeconds(90))
                .until(
                    () -> data("GET", path, null, 200),
                    b -> !List.of("pending", "queued", "running").contains(b.getString("status")));
        assertThat(done.getString("status")).as(done.encode()).isEqualTo("succeeded");
        tags.add(done.getString("tag"));
      }
      assertThat(k8s.batch().v1().jobs().inNamespace("paas-builds").list().getItems())
          .filteredOn(j -> j.getMetadata().getName().startsWith("build-"))
          .extracting(j -> j.getMetadata().getName())
          .doesNotHaveDuplicates();

      List<String> releases = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        releases.add(
            data(
                    "POST",
                    "/api/v1/releases",
                    new JsonObject()
                        .put("app", "restart" + i)
                        .put("lane", "prod")
                        .put("tag", tags.get(i))
                        .put("replicas", 2)
                        .encode(),
                    202)
                .getString("id"));
      }
      kube.restartApiServer();
      for (String id : releases) {
        JsonObject done =
            await()
                .atMost(Duration.ofSeconds(90))
                .until(
                    () -> data("GET", "/api/v1/releases/" + id, null, 200),
                    r -> List.of("deployed", "failed").contains(r.getString("status")));
        assertThat(done.getString("status")).as(done.encode()).isEqualTo("deployed");
        assertThat(done.getInteger("revision")).isEqualTo(1);
      }
      JsonArray history =
          call("GET", "/api/v1/releases/" + releases.get(0) + "/history", null, 200)
              .getJsonArray("data");
      assertThat(history).hasSize(1);
      assertThat(
              k8s.apps()
                  .replicaSets()
                  .inNamespace(NS)
                  .withLabel("app", "restart0")
                  .list()
                  .getItems())
          .hasSize(1);
    }
  }

  private static Deployment deployment(String name) {
    return k8s.apps().deployments().inNamespace(NS).withName(name).get();
  }
}
