package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AppApiTest {

  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @BeforeEach
  void clean() {
    gateway.sql("delete from releases");
    gateway.sql("delete from apps");
    gateway.sql("delete from image_repos");
    gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web"));
  }

  private static JsonObject web() {
    return new JsonObject()
        .put("name", "web")
        .put("image_repo", "web")
        .put("port", 8080)
        .put("command", new JsonArray().add("java"))
        .put("args", new JsonArray().add("-jar").add("app.jar"))
        .put("envs", new JsonObject().put("LOG_LEVEL", "info").put("REGION", "eu"))
        .put("secret_envs", new JsonObject().put("DB_PASSWORD", "hunter2"))
        .put("resources", new JsonObject().put("cpu", "250m").put("memory", "256Mi"))
        .put("health_path", "/healthz");
  }

  @Test
  void createsAnAppAndNeverEchoesItsSecrets() {
    Response created = gateway.post("/api/v1/apps", web());

    assertThat(created.status()).isEqualTo(201);
    JsonObject app = created.data();
    assertThat(app.getInteger("port")).isEqualTo(8080);
    assertThat(app.getInteger("replicas")).isEqualTo(1);
    assertThat(app.getJsonObject("envs").getMap()).containsEntry("LOG_LEVEL", "info");
    assertThat(app.getJsonObject("secret_envs").getMap())
        .containsExactly(java.util.Map.entry("DB_PASSWORD", "***"));
    assertThat(app.getJsonObject("resources").getString("cpu")).isEqualTo("250m");
    assertThat(created.raw().toString()).doesNotContain("hunter2");
    assertThat(gateway.get("/api/v1/apps/web").raw().toString()).doesNotContain("hunter2");
    assertThat(gateway.get("/api/v1/apps").raw().toString()).doesNotContain("hunter2");
  }

  @Test
  void storesSecretValuesSealedNotInClear() {
    gateway.post("/api/v1/apps", web());
    var row =
        gateway
            .pool
            .query("select secret_envs, secret_env_names from apps where name = 'web'")
            .execute()
            .timeout(30, TimeUnit.SECONDS)
            .await()
            .iterator()
            .next();
    assertThat(row.getBuffer("secret_envs").toString(java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("hunter2");
    assertThat(row.getArrayOfStrings("secret_env_names")).containsExactly("DB_PASSWORD");
  }

  @Test
  void aWorkerHasPortZeroByDefault() {
    Response created = gateway.post("/api/v1/apps", new JsonObject().put("name", "worker"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.data().getInteger("port")).isZero();
    assertThat(created.data().getValue("image_repo")).isNull();
  }

  @Test
  void mergesEnvsKeyByKeyAndNullDeletesAKey() {
    gateway.post("/api/v1/apps", web());

    Response updated =
        gateway.put(
            "/api/v1/apps/web",
            new JsonObject()
                .put("envs", new JsonObject().put("REGION", (Object) null).put("NEW", "1"))
                .put("secret_envs", new JsonObject().put("API_TOKEN", "t0k3n")));

    assertThat(updated.status()).isEqualTo(200);
    JsonObject app = updated.data();
    assertThat(app.getJsonObject("envs").getMap())
        .containsOnlyKeys("LOG_LEVEL", "NEW")
        .containsEntry("NEW", "1");
    assertThat(app.getJsonObject("secret_envs").getMap())
        .containsOnlyKeys("API_TOKEN", "DB_PASSWORD");
    assertThat(app.getInteger("port")).isEqualTo(8080);
    assertThat(app.getJsonArray("args")).containsExactly("-jar", "app.jar");
  }

  @Test
  void keepsEverythingNotSentAndClearsWhatIsSentAsNull() {
    gateway.post("/api/v1/apps", web());
    Response updated =
        gateway.put(
            "/api/v1/apps/web",
            new JsonObject()
                .put("health_path", (Object) null)
                .put("image_repo", (Object) null)
                .put("secret_envs", (Object) null)
                .put("replicas", 3));
    JsonObject app = updated.data();
    assertThat(app.getValue("health_path")).isNull();
    assertThat(app.getValue("image_repo")).isNull();
    assertThat(app.getJsonObject("secret_envs")).isEmpty();
    assertThat(app.getInteger("replicas")).isEqualTo(3);
    assertThat(app.getJsonObject("envs").getMap()).containsOnlyKeys("LOG_LEVEL", "REGION");
  }

  @Test
  void refusesAnUnknownImageRepoAndWritesNothing() {
    Response bad = gateway.post("/api/v1/apps", web().put("image_repo", "nope"));
    assertThat(bad.status()).isEqualTo(404);
    assertThat(bad.code()).isEqualTo("image_repo_not_found");
    assertThat(fields(bad)).containsExactly("image_repo");
    assertThat(gateway.count("apps")).isZero();
  }

  @Test
  void reportsEveryInvalidFieldAtOnce() {
    Response bad =
        gateway.post(
            "/api/v1/apps",
            new JsonObject()
                .put("name", "web")
                .put("port", 70000)
                .put("replicas", 101)
                .put("command", "java -jar app.jar")
                .put("envs", new JsonObject().put("1BAD", "x").put("LANE", "dev").put("OK", 1))
                .put("resources", new JsonObject().put("cpu", "lots").put("disk", "1Gi"))
                .put("health_path", "healthz")
                .put("service_account", "Not_A_Name"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder(
            "port",
            "replicas",
            "command",
            "envs.1BAD",
            "envs.LANE",
            "envs.OK",
            "resources.cpu",
            "resources.disk",
            "health_path",
            "service_account");
    assertThat(gateway.count("apps")).isZero();
  }

  @Test
  void refusesNegativePortsAndReplicas() {
    Response bad =
        gateway.post(
            "/api/v1/apps",
            new JsonObject().put("name", "web").put("port", -1).put("replicas", -1));
    assertThat(fields(bad)).containsExactlyInAnyOrder("port", "replicas");
  }

  @Test
  void refusesLimitsBelowRequestsAndAVariableInBothEnvsAndSecrets() {
    Response bad =
        gateway.post(
            "/api/v1/apps",
            web()
                .put(
                    "resources",
                    new JsonObject()
                        .put("cpu", "500m")
                        .put("memory", "1Gi")
                        .put("limits", new JsonObject().put("cpu", "250m").put("memory", "2Gi")))
                .put("envs", new JsonObject().put("DB_PASSWORD", "clear")));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder("resources.limits.cpu", "secret_envs.DB_PASSWORD");
    assertThat(gateway.count("apps")).isZero();
  }

  @Test
  void aBadUpdateChangesNothing() {
    gateway.post("/api/v1/apps", web());
    Response bad =
        gateway.put(
            "/api/v1/apps/web",
            new JsonObject()
                .put("replicas", 2)
                .put("envs", new JsonObject().put("DB_PASSWORD", "clash")));
    assertThat(bad.status()).isEqualTo(400);
    JsonObject app = gateway.get("/api/v1/apps/web").data();
    assertThat(app.getInteger("replicas")).isEqualTo(1);
    assertThat(app.getJsonObject("envs").getMap()).doesNotContainKey("DB_PASSWORD");
  }

  @Test
  void refusesADuplicateApp() {
    gateway.post("/api/v1/apps", web());
    Response again = gateway.post("/api/v1/apps", web());
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("app_exists");
  }

  @Test
  void refusesToDeleteAnAppWithReleases() {
    gateway.post("/api/v1/apps", web());
    gateway.sql(
        "insert into releases (id, app, lane, tag, image, replicas, revision, status) values"
            + " (gen_random_uuid(), 'web', 'prod', 'abc1234', 'r/web:abc1234', 1, 1, 'deployed')");

    Response refused = gateway.delete("/api/v1/apps/web");

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("app_has_releases");
    assertThat(refused.json().getString("detail")).contains("prod");
    assertThat(gateway.count("apps")).isEqualTo(1);
  }

  @Test
  void deletesAnAppAndItsBuilds() {
    gateway.post("/api/v1/apps", web());
    gateway.sql(
        "insert into builds (id, app, image_repo, git_ref, status) values (gen_random_uuid(),"
            + " 'web', 'web', 'main', 'succeeded')");

    assertThat(gateway.delete("/api/v1/apps/web").status()).isEqualTo(204);

    assertThat(gateway.get("/api/v1/apps/web").code()).isEqualTo("app_not_found");
    assertThat(gateway.count("builds")).isZero();
  }
}
