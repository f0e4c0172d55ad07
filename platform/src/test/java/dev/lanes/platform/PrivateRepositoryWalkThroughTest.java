package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.lanes.testkit.GitHttpServer;
import dev.lanes.testkit.GitSshServer;
import dev.lanes.testkit.TestSshKeys;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The walk-through on the platform as {@code make run} starts it: an image repo pointing at
 * a loopback git server that demands a password builds with the right credentials and fails clearly
 * without them, and the password (a canary) is nowhere it should not be: no API answer, Job or Pod
 * spec, event, build log, log line of the platform or file of its data directory.
 */
class PrivateRepositoryWalkThroughTest {

  private static final String KEY = "private-walk-through-key";
  private static final String USER = "x-access-token";
  private static final String CANARY = "ghp_walkthrough_canary_51e0c2";
  private static final String BUILDS = "paas-builds";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> answers = new ArrayList<>();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private int api;

  @BeforeEach
  void captureTheLog() {
    log.start();
    root().addAppender(log);
  }

  @AfterEach
  void stopCapturing() {
    root().detachAppender(log);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  @Test
  void aPrivateRepositoryBuildsWithItsCredentialsAndFailsClearlyWithout() throws Exception {
    String sha = privateRepository(dir.resolve("git"));
    try (GitHttpServer git = GitHttpServer.start(dir.resolve("git"), USER, CANARY);
        LanesPlatform platform = LanesPlatform.start(config())) {
      api = platform.apiPort();
      KubernetesClient k8s = platform.sandbox().client();
      JsonObject repo =
          new JsonObject()
              .put("name", "secret-web")
              .put("registry", "registry.local/team/secret-web")
              .put("git_repo", git.url("team/secret-web.git"))
              .put("git_credentials", basic(CANARY))
              .put(
                  "registry_credentials",
                  new JsonObject().put("username", "robot").put("password", CANARY + "-registry"));
      assertThat(call("POST", "/api/v1/image-repos", repo.encode()).statusCode()).isEqualTo(201);
      assertThat(
              call(
                      "POST",
                      "/api/v1/apps",
                      "{\"name\":\"secret-web\",\"image_repo\":\"secret-web\",\"port\":8080}")
                  .statusCode())
          .isEqualTo(201);
      JsonObject shown =
          new JsonObject(call("GET", "/api/v1/image-repos/secret-web", null).body())
              .getJsonObject("data");
      assertThat(shown.getJsonObject("git_credentials").getString("password")).isEqualTo("***");

      // the right credentials: refs listed, the sandbox's Kaniko clones with the Job's Secret
      JsonObject built = build();
      assertThat(built.getString("status")).as(built.encode()).isEqualTo("succeeded");
      assertThat(built.getString("commit")).isEqualTo(sha);
      String buildLog =
          call("GET", "/api/v1/apps/secret-web/builds/" + built.getString("id") + "/logs", null)
              .body();
      assertThat(buildLog).contains("RUN echo only-in-the-private-repo");

      Job job =
          k8s.batch()
              .v1()
              .jobs()
              .inNamespace(BUILDS)
              .withLabel("lanes.dev/build-id", built.getString("id"))
              .list()
              .getItems()
              .get(0);
      List<EnvVar> env = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
      assertThat(env)
          .filteredOn(e -> e.getName().equals("GIT_USERNAME") || e.getName().equals("GIT_PASSWORD"))
          .hasSize(2)
          .allSatisfy(
              e -> {
                assertThat(e.getValue()).isNull();
                assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo("secret-web-git");
              });
      Secret secret = k8s.secrets().inNamespace(BUILDS).withName("secret-web-git").get();
      assertThat(secret.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "lanes");
      // the repo's registry credentials, mounted for Kaniko instead of the platform's
      assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
          .singleElement()
          .satisfies(
              v -> assertThat(v.getSecret().getSecretName()).isEqualTo("secret-web-registry"));
      assertThat(k8s.secrets().inNamespace(BUILDS).withName("secret-web-registry").get().getType())
          .isEqualTo("kubernetes.io/dockerconfigjson");

      // a wrong password fails at resolution time, saying authentication failed
      repo.put("git_credentials", basic("wrong-" + CANARY));
      assertThat(call("PUT", "/api/v1/image-repos/secret-web", repo.encode()).statusCode())
          .isEqualTo(200);
      JsonObject wrong = build();
      assertThat(wrong.getString("status")).isEqualTo("failed");
      assertThat(wrong.getString("reason")).isEqualTo("auth_failed");
      assertThat(wrong.getString("message")).contains("authentication failed");

      // no credentials at all: the same, and the repo's Secret goes with them
      repo.putNull("git_credentials");
      assertThat(call("PUT", "/api/v1/image-repos/secret-web", repo.encode()).statusCode())
          .isEqualTo(200);
      JsonObject none = build();
      assertThat(none.getString("reason")).isEqualTo("auth_failed");
      assertThat(git.refused()).isGreaterThanOrEqualTo(2);

      // the leader's sweep deletes the Secret of a repo without credentials
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> k8s.secrets().inNamespace(BUILDS).withName("secret-web-git").get() == null);
      assertThat(k8s.secrets().inNamespace(BUILDS).withName("secret-web-registry").get())
          .isNotNull();

      // the canary, searched for everywhere it must not be
      call("GET", "/api/v1/image-repos", null);
      call("GET", "/api/v1/apps/secret-web/builds", null);
      call("GET", "/api/v1/audit?limit=100", null);
      assertThat(answers).noneMatch(a -> a.contains(CANARY));
      String specs =
          Serialization.asJson(k8s.batch().v1().jobs().inNamespace(BUILDS).list())
              + Serialization.asJson(k8s.pods().inNamespace(BUILDS).list())
              + Serialization.asJson(k8s.v1().events().inAnyNamespace().list());
      assertThat(specs).doesNotContain(CANARY).contains("secret-web-git");
      for (Job j : k8s.batch().v1().jobs().inNamespace(BUILDS).list().getItems()) {
        for (var pod :
            k8s.pods()
                .inNamespace(BUILDS)
                .withLabel("job-name", j.getMetadata().getName())
                .list()
                .getItems()) {
          assertThat(k8s.pods().inNamespace(BUILDS).withName(pod.getMetadata().getName()).getLog())
              .doesNotContain(CANARY);
        }
      }
    }
    assertThat(log.list).isNotEmpty().noneMatch(PrivateRepositoryWalkThroughTest::saysTheCanary);
    try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
      assertThat(files.filter(Files::isRegularFile).filter(this::holdsTheCanary)).isEmpty();
    }
  }

  @Test
  void anSshRepositoryBuildsFromTheCheckoutOfItsCloneInitContainer() throws Exception {
    privateRepository(dir.resolve("ssh"));
    KeyPair client = TestSshKeys.generate();
    try (GitSshServer git =
            GitSshServer.start(
                dir.resolve("ssh"), "git", client.getPublic(), TestSshKeys.generate());
        LanesPlatform platform = LanesPlatform.start(config())) {
      api = platform.apiPort();
      KubernetesClient k8s = platform.sandbox().client();
      JsonObject repo =
          new JsonObject()
              .put("name", "secret-web")
              .put("registry", "registry.local/team/secret-web")
              .put("git_repo", git.url("team/secret-web.git"))
              .put(
                  "git_credentials",
                  new JsonObject()
                      .put("type", "ssh")
                      .put("private_key", TestSshKeys.openSsh(client))
                      .put("known_hosts", git.knownHostsLine()));
      HttpResponse<String> created = call("POST", "/api/v1/image-repos", repo.encode());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      assertThat(
              call(
                      "POST",
                      "/api/v1/apps",
                      "{\"name\":\"secret-web\",\"image_repo\":\"secret-web\",\"port\":8080}")
                  .statusCode())
          .isEqualTo(201);

      JsonObject built = build();

      assertThat(built.getString("status")).as(built.encode()).isEqualTo("succeeded");
      // only the checkout the init container made over SSH holds this line
      assertThat(
              call("GET", "/api/v1/apps/secret-web/builds/" + built.getString("id") + "/logs", null)
                  .body())
          .contains("RUN echo only-in-the-private-repo");
      Job job =
          k8s.batch()
              .v1()
              .jobs()
              .inNamespace(BUILDS)
              .withLabel("lanes.dev/build-id", built.getString("id"))
              .list()
              .getItems()
              .get(0);
      assertThat(Serialization.asJson(job)).doesNotContain("PRIVATE KEY");
      assertThat(answers).noneMatch(a -> a.contains("PRIVATE KEY"));
    }
    assertThat(log.list).noneMatch(e -> e.getFormattedMessage().contains("PRIVATE KEY"));
  }

  private static boolean saysTheCanary(ILoggingEvent e) {
    StringBuilder all = new StringBuilder(e.getFormattedMessage());
    for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
      all.append(' ').append(t.getMessage());
    }
    return all.toString().contains(CANARY);
  }

  private boolean holdsTheCanary(Path file) {
    try {
      return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
          .contains(CANARY);
    } catch (java.io.IOException e) {
      return false; // a file PostgreSQL removed meanwhile
    }
  }

  private static JsonObject basic(String password) {
    return new JsonObject().put("type", "basic").put("username", USER).put("password", password);
  }

  private JsonObject build() throws Exception {
    HttpResponse<String> r =
        call("POST", "/api/v1/apps/secret-web/builds?wait=60s", "{\"git_ref\":\"main\"}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    return new JsonObject(r.body()).getJsonObject("data");
  }

  /** A bare repository {@code team/secret-web.git} under {@code root}; answers its commit. */
  private static String privateRepository(Path root) throws Exception {
    Path work = root.resolveSibling("work");
    String sha;
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(
          work.resolve("Dockerfile"), "FROM alpine\nRUN echo only-in-the-private-repo\n");
      git.add().addFilepattern(".").call();
      sha =
          git.commit()
              .setMessage("private")
              .setAuthor("t", "t@e.com")
              .setCommitter("t", "t@e.com")
              .call()
              .getName();
    }
    Git.cloneRepository()
        .setURI(work.toUri().toString())
        .setBare(true)
        .setDirectory(root.resolve("team/secret-web.git").toFile())
        .call()
        .close();
    return sha;
  }

  private PlatformConfig config() {
    return PlatformConfig.from(
        Map.of(
            "LANES_DATA_DIR", dir.resolve("data").toString(),
            "HTTP_PORT", "0",
            "REGISTRY_HTTP_PORT", "0",
            "BIND_ADDRESS", "127.0.0.1",
            "API_TOKEN", KEY,
            "SANDBOX_STEP_DELAY", "20ms"));
  }

  private HttpResponse<String> call(String method, String path, String json) throws Exception {
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
    answers.add(r.body());
    return r;
  }
}
