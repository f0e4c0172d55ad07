package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /api/v1/audit}: every change through the API is there with who asked, from where, in
 * which request, and how it ended; secret values never are.
 */
class AuditApiTest {

  private static final String SECRET_VALUE = "hunter2-very-secret";
  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = IntakeOwners.gateway();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @BeforeEach
  void clean() {
    gateway.sql("delete from audit_log");
    gateway.sql("delete from outbox");
    gateway.sql("delete from releases");
    gateway.sql("delete from builds");
    gateway.sql("delete from apps");
    gateway.sql("delete from image_repos");
    gateway.sql("delete from lanes where not protected");
    gateway.sql("update api_keys set revoked_at = now() where not bootstrap");
  }

  /** A change as the admin, with a request id of the test's own. */
  private static Response as(HttpMethod method, String path, String requestId, Object body) {
    return gateway.send(
        method, path, TestGateway.ADMIN_KEY, Map.of("X-Request-Id", requestId), body);
  }

  private static JsonArray audit(String query) {
    Response r = gateway.get("/api/v1/audit" + query);
    assertThat(r.status()).as(r.raw().toString()).isEqualTo(200);
    return r.list();
  }

  private static List<String> actions(JsonArray entries) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(entries.getJsonObject(i).getString("action"));
    }
    return out;
  }

  @Test
  void everyChangeIsThereWithItsActorNewestFirst() {
    String adminName = adminKey().getString("name");
    String adminId = adminKey().getString("id");
    assertThat(
            as(HttpMethod.POST, "/api/v1/image-repos", "r-1", ImageRepoApiTest.repo("web"))
                .status())
        .isEqualTo(201);
    assertThat(
            as(
                    HttpMethod.PUT,
                    "/api/v1/image-repos/web",
                    "r-2",
                    ImageRepoApiTest.repo("web").put("dockerfile", "Dockerfile.prod"))
                .status())
        .isEqualTo(200);
    as(
        HttpMethod.POST,
        "/api/v1/apps",
        "r-3",
        new JsonObject().put("name", "web").put("image_repo", "web").put("port", 8080));
    as(
        HttpMethod.PUT,
        "/api/v1/apps/web",
        "r-4",
        new JsonObject()
            .put("replicas", 2)
            .put("envs", new JsonObject().put("LOG_LEVEL", "debug"))
            .put("secret_envs", new JsonObject().put("DB_PASSWORD", SECRET_VALUE)));
    as(HttpMethod.POST, "/api/v1/lanes", "r-5", new JsonObject().put("name", "dev"));
    Response build = as(HttpMethod.POST, "/api/v1/apps/web/builds", "r-6", new JsonObject());
    assertThat(build.status()).isEqualTo(202);
    String buildId = build.data().getString("id");
    as(HttpMethod.POST, "/api/v1/apps/web/builds/" + buildId + "/cancel", "r-7", null);
    succeededBuild("abc1234");
    Response release =
        as(
            HttpMethod.POST,
            "/api/v1/releases",
            "r-8",
            new JsonObject().put("app", "web").put("lane", "dev").put("tag", "abc1234"));
    assertThat(release.status()).isEqualTo(202);
    String releaseId = release.data().getString("id");
    as(HttpMethod.PUT, "/api/v1/releases/" + releaseId, "r-9", new JsonObject().put("replicas", 3));
    as(HttpMethod.POST, "/api/v1/releases/" + releaseId + "/rollback", "r-10", null);
    as(HttpMethod.DELETE, "/api/v1/releases/" + releaseId, "r-11", null);
    Response key =
        as(
            HttpMethod.POST,
            "/api/v1/api-keys",
            "r-12",
            new JsonObject().put("name", "ci").put("scopes", new JsonArray().add("deploy")));
    String keyId = key.data().getString("id");
    as(HttpMethod.DELETE, "/api/v1/api-keys/" + keyId, "r-13", null);
    as(HttpMethod.DELETE, "/api/v1/lanes/qa-none", "r-14", null); // refused: no such lane

    // the refusal is recorded once the gateway has answered it
    await().atMost(Duration.ofSeconds(10)).until(() -> audit("").size() == 14);
    JsonArray entries = audit("");

    assertThat(actions(entries))
        .containsExactly(
            "lane.delete",
            "api_key.revoke",
            "api_key.create",
            "release.delete",
            "release.rollback",
            "release.update",
            "release.deploy",
            "build.cancel",
            "build.create",
            "lane.create",
            "app.update",
            "app.create",
            "image_repo.update",
            "image_repo.create");
    for (int i = 0; i < entries.size(); i++) {
      JsonObject e = entries.getJsonObject(i);
      assertThat(e.getJsonObject("actor").getString("key_id")).isEqualTo(adminId);
      assertThat(e.getJsonObject("actor").getString("name")).isEqualTo(adminName);
      assertThat(e.getString("source")).isEqualTo("127.0.0.1");
      assertThat(e.getString("request_id")).isEqualTo("r-" + (14 - i));
      assertThat(e.getString("at")).isNotNull();
    }
    assertThat(entries.getJsonObject(0).getString("outcome")).isEqualTo("refused");
    assertThat(entries.getJsonObject(0).getJsonObject("details").getString("code"))
        .isEqualTo("lane_not_found");
    assertThat(entries.getJsonObject(0).getString("resource_id")).isEqualTo("qa-none");
    for (int i = 1; i < entries.size(); i++) {
      assertThat(entries.getJsonObject(i).getString("outcome")).isEqualTo("succeeded");
    }
    assertThat(resourceIds(entries))
        .containsExactly(
            "qa-none", keyId, keyId, releaseId, releaseId, releaseId, releaseId, buildId, buildId,
            "dev", "web", "web", "web", "web");
    JsonObject appUpdate = entries.getJsonObject(10).getJsonObject("details");
    assertThat(appUpdate.getJsonArray("fields").getList())
        .containsExactly("envs", "secret_envs", "replicas");
    assertThat(appUpdate.getJsonArray("secret_envs").getList()).containsExactly("DB_PASSWORD");
    assertThat(appUpdate.getJsonArray("envs").getList()).containsExactly("LOG_LEVEL");
    assertThat(entries.getJsonObject(12).getJsonObject("details").getJsonArray("fields").getList())
        .containsExactly("dockerfile");
    assertThat(entries.getJsonObject(5).getJsonObject("details").getInteger("replicas"))
        .isEqualTo(3);
  }

  @Test
  void secretValuesNeverReachTheLog() {
    gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web"));
    gateway.post(
        "/api/v1/apps",
        new JsonObject()
            .put("name", "web")
            .put("secret_envs", new JsonObject().put("API_TOKEN", SECRET_VALUE)));
    gateway.put(
        "/api/v1/apps/web",
        new JsonObject().put("secret_envs", new JsonObject().put("API_TOKEN", SECRET_VALUE + "2")));
    Response key =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject().put("name", "ci").put("scopes", new JsonArray().add("read")));

    Response listed = gateway.get("/api/v1/audit");

    assertThat(listed.list()).hasSize(4);
    assertThat(listed.raw().toString()).contains("API_TOKEN").doesNotContain(SECRET_VALUE);
    assertThat(listed.raw().toString()).doesNotContain(key.data().getString("key"));
    assertThat(gateway.count("audit_log")).isEqualTo(4);
  }

  @Test
  void aRefusedChangeNamesWhoTriedAndWhyAndChangesNothing() {
    Response key =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject().put("name", "reader").put("scopes", new JsonArray().add("read")));
    String reader = key.data().getString("key");
    gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web"));

    Response forbidden =
        gateway.send(
            HttpMethod.DELETE,
            "/api/v1/image-repos/web",
            reader,
            Map.of("X-Request-Id", "x1"),
            null);
    Response conflict = gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web"));

    assertThat(forbidden.status()).isEqualTo(403);
    assertThat(conflict.status()).isEqualTo(409);
    // the gateway records a refusal once it has answered: after the response, not before
    await().atMost(Duration.ofSeconds(10)).until(() -> audit("?resource=image_repo").size() == 3);
    JsonArray entries = audit("?resource=image_repo");
    JsonObject dup = entries.getJsonObject(0);
    JsonObject denied = entries.getJsonObject(1);
    assertThat(dup.getString("action")).isEqualTo("image_repo.create");
    assertThat(dup.getString("outcome")).isEqualTo("refused");
    assertThat(dup.getJsonObject("details").getString("code")).isEqualTo("image_repo_exists");
    assertThat(dup.getJsonObject("details").getInteger("status")).isEqualTo(409);
    assertThat(denied.getString("action")).isEqualTo("image_repo.delete");
    assertThat(denied.getString("outcome")).isEqualTo("refused");
    assertThat(denied.getString("resource_id")).isEqualTo("web");
    assertThat(denied.getString("request_id")).isEqualTo("x1");
    assertThat(denied.getJsonObject("actor").getString("name")).isEqualTo("reader");
    assertThat(denied.getJsonObject("details").getString("code")).isEqualTo("forbidden");
    assertThat(entries.getJsonObject(2).getString("outcome")).isEqualTo("succeeded");
    assertThat(gateway.get("/api/v1/image-repos/web").status()).isEqualTo(200);
  }

  @Test
  void filtersByActorResourceAndTimeAndPagesNewestFirst() {
    Response key =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject().put("name", "deployer").put("scopes", new JsonArray().add("deploy")));
    String deployer = key.data().getString("key");
    String deployerId = key.data().getString("id");
    for (String name : List.of("a1", "a2", "a3", "a4", "a5")) {
      gateway.send(
          HttpMethod.POST, "/api/v1/image-repos", deployer, Map.of(), ImageRepoApiTest.repo(name));
    }
    gateway.post("/api/v1/lanes", new JsonObject().put("name", "dev"));

    assertThat(resourceIds(audit("?actor=deployer"))).containsExactly("a5", "a4", "a3", "a2", "a1");
    assertThat(audit("?actor=" + deployerId)).hasSize(5);
    assertThat(resourceIds(audit("?resource=lane"))).containsExactly("dev");
    assertThat(resourceIds(audit("?resource=image_repo/a3"))).containsExactly("a3");
    assertThat(audit("?resource=api_key")).hasSize(1);
    assertThat(audit("?since=1h")).hasSize(7);
    assertThat(audit("?since=" + enc(Instant.now().plusSeconds(3600).toString()))).isEmpty();

    Response first = gateway.get("/api/v1/audit?actor=deployer&limit=2");
    String cursor = first.json().getString("next_cursor");
    Response second = gateway.get("/api/v1/audit?actor=deployer&limit=2&cursor=" + cursor);
    Response third =
        gateway.get(
            "/api/v1/audit?actor=deployer&limit=2&cursor="
                + second.json().getString("next_cursor"));

    assertThat(resourceIds(first.list())).containsExactly("a5", "a4");
    assertThat(resourceIds(second.list())).containsExactly("a3", "a2");
    assertThat(resourceIds(third.list())).containsExactly("a1");
    assertThat(third.json().getString("next_cursor")).isNull();
  }

  @Test
  void onlyAdminKeysReadTheLog() {
    Response key =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject().put("name", "deployer").put("scopes", new JsonArray().add("deploy")));

    Response refused =
        gateway.call(HttpMethod.GET, "/api/v1/audit", key.data().getString("key"), null, null);

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("forbidden");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "?resource=pods",
        "?resource=app/",
        "?resource=app/a%20b",
        "?since=yesterday",
        "?since=99999999999999999d",
        "?since=-292278994-08-17T07:12:55Z",
        "?limit=0",
        "?cursor=bm90LWEtY3Vyc29y",
        "?actor="
      })
  void badQueriesAreA400NamingTheParameter(String query) {
    Response r = gateway.get("/api/v1/audit" + query);

    assertThat(r.status()).as(r.raw().toString()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("validation_failed");
  }

  private JsonObject adminKey() {
    JsonArray keys = gateway.get("/api/v1/api-keys").list();
    for (int i = 0; i < keys.size(); i++) {
      if (keys.getJsonObject(i).getBoolean("bootstrap")) {
        return keys.getJsonObject(i);
      }
    }
    throw new AssertionError("no bootstrap key in " + keys);
  }

  private static List<String> resourceIds(JsonArray entries) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      out.add(entries.getJsonObject(i).getString("resource_id"));
    }
    return out;
  }

  private static void succeededBuild(String tag) {
    gateway.sql(
        "insert into builds (id, app, image_repo, git_ref, commit, tag, image, status) values ('"
            + UUID.randomUUID()
            + "', 'web', 'web', 'main', '"
            + tag
            + "000000000000000000000000000000000', '"
            + tag
            + "', 'harbor.local:30002/team/web:"
            + tag
            + "', 'succeeded')");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
