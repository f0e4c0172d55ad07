package dev.lanes.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiKeyAuthTest {

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
    gateway.sql("delete from api_keys where not bootstrap");
    gateway.sql("delete from lanes where not protected");
  }

  private static String createKey(String name, String... scopes) {
    Response created =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject()
                .put("name", name)
                .put("scopes", new JsonArray(java.util.List.of(scopes))));
    assertThat(created.status()).isEqualTo(201);
    return created.data().getString("key");
  }

  private static Response as(String key, HttpMethod method, String path, JsonObject body) {
    return gateway.call(
        method,
        path,
        key,
        body == null ? null : "application/json",
        body == null ? null : body.toBuffer());
  }

  @Test
  void everyApiRouteNeedsAKey() {
    for (String path :
        new String[] {"/api/v1/apps", "/api/v1/lanes/prod", "/api/v1/no-such-route"}) {
      Response r = gateway.call(HttpMethod.GET, path, null, null, null);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.code()).isEqualTo("unauthenticated");
      assertThat(r.header("WWW-Authenticate")).contains("X-API-Key");
    }
  }

  @Test
  void aWrongKeyIs401AndWritesNothing() {
    for (String key :
        new String[] {"nope", "lanes_abcdefgh_" + "x".repeat(32), TestGateway.ADMIN_KEY + "x"}) {
      Response r = as(key, HttpMethod.POST, "/api/v1/lanes", new JsonObject().put("name", "dev"));
      assertThat(r.status()).isEqualTo(401);
      assertThat(r.json().getString("detail")).isEqualTo("the API key is not valid");
    }
    assertThat(gateway.count("lanes")).isEqualTo(2);
  }

  @Test
  void aNewKeyIsShownOnceWithAScannablePrefixAndOnlyItsHashIsStored() {
    Response created =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject().put("name", "ci").put("scopes", new JsonArray().add("deploy")));
    String key = created.data().getString("key");

    assertThat(key).matches("lanes_[a-z0-9]{8}_[A-Za-z0-9]{32}");
    assertThat(created.data().getString("prefix")).isEqualTo(key.substring(0, 15));
    assertThat(created.header("Location")).endsWith("/api-keys/" + created.data().getString("id"));
    Response listed = gateway.get("/api/v1/api-keys");
    assertThat(listed.raw().toString()).doesNotContain(key).doesNotContain(key.substring(15));
    assertThat(listed.list().getJsonObject(0).containsKey("key")).isFalse();
    String stored =
        gateway
            .pool
            .query("select * from api_keys")
            .execute()
            .timeout(30, TimeUnit.SECONDS)
            .await()
            .value()
            .toString();
    assertThat(stored).doesNotContain(key.substring(15));
    assertThat(as(key, HttpMethod.GET, "/api/v1/apps", null).status()).isEqualTo(200);
  }

  @Test
  void aReadKeyReadsButCannotChangeAnything() {
    String read = createKey("dashboard", "read");

    assertThat(as(read, HttpMethod.GET, "/api/v1/lanes", null).status()).isEqualTo(200);
    Response refused =
        as(read, HttpMethod.POST, "/api/v1/lanes", new JsonObject().put("name", "dev"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.code()).isEqualTo("forbidden");
    assertThat(refused.json().getString("detail")).contains("'read'").contains("'deploy'");
    assertThat(gateway.count("lanes")).isEqualTo(2);
  }

  @Test
  void aDeployKeyChangesResourcesButCannotManageKeys() {
    String deploy = createKey("ci", "deploy");

    assertThat(
            as(deploy, HttpMethod.POST, "/api/v1/lanes", new JsonObject().put("name", "dev"))
                .status())
        .isEqualTo(201);
    assertThat(as(deploy, HttpMethod.GET, "/api/v1/api-keys", null).status()).isEqualTo(403);
    Response refused =
        as(
            deploy,
            HttpMethod.POST,
            "/api/v1/api-keys",
            new JsonObject().put("name", "escalate").put("scopes", new JsonArray().add("admin")));
    assertThat(refused.status()).isEqualTo(403);
  }

  @Test
  void aRevokedKeyStopsWorkingAtOnce() {
    Response created =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject().put("name", "temp").put("scopes", new JsonArray().add("read")));
    String key = created.data().getString("key");
    assertThat(as(key, HttpMethod.GET, "/api/v1/apps", null).status()).isEqualTo(200);

    assertThat(gateway.delete("/api/v1/api-keys/" + created.data().getString("id")).status())
        .isEqualTo(204);

    Response revoked = as(key, HttpMethod.GET, "/api/v1/apps", null);
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.json().getString("detail")).isEqualTo("the API key was revoked");
    assertThat(gateway.get("/api/v1/api-keys/" + created.data().getString("id")).status())
        .isEqualTo(404);
  }

  @Test
  void anExpiredKeyIs401() {
    var key = ApiKeyFormat.generate();
    gateway
        .pool
        .preparedQuery(
            "insert into api_keys (id, name, hash, scopes, expires_at) values ($1, 'old', $2,"
                + " '{admin}', now() - interval '1 minute')")
        .execute(io.vertx.sqlclient.Tuple.of(key.id(), Buffer.buffer(ApiKeyFormat.hash(key.key()))))
        .timeout(30, TimeUnit.SECONDS)
        .await();

    Response r = as(key.key(), HttpMethod.GET, "/api/v1/apps", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.json().getString("detail")).isEqualTo("the API key has expired");
  }

  @Test
  void theLastAdminKeyCannotBeRevoked() {
    try (TestGateway own = IntakeOwners.gateway()) {
      Response refused = own.delete("/api/v1/api-keys/admin");
      assertThat(refused.status()).isEqualTo(409);
      assertThat(refused.code()).isEqualTo("last_admin_key");
      assertThat(own.get("/api/v1/apps").status()).isEqualTo(200);

      Response second =
          own.post(
              "/api/v1/api-keys",
              new JsonObject().put("name", "second").put("scopes", new JsonArray().add("admin")));
      assertThat(own.delete("/api/v1/api-keys/admin").status()).isEqualTo(204);
      assertThat(own.get("/api/v1/apps").status()).isEqualTo(401);
      assertThat(
              own.call(HttpMethod.GET, "/api/v1/apps", second.data().getString("key"), null, null)
                  .status())
          .isEqualTo(200);
    }
  }

  @Test
  void refusesBadKeyRequests() {
    Response bad =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject()
                .put("name", "")
                .put("scopes", new JsonArray().add("root"))
                .put("expires_in_seconds", 1)
                .put("owner", "me"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder("name", "scopes", "expires_in_seconds", "owner");
    assertThat(gateway.count("api_keys")).isEqualTo(1);
  }

  private static java.util.List<String> fields(Response response) {
    java.util.List<String> out = new java.util.ArrayList<>();
    response
        .json()
        .getJsonArray("errors")
        .forEach(e -> out.add(((JsonObject) e).getString("field")));
    return out;
  }

  @Test
  void keyNamesAreUniqueAmongActiveKeys() {
    createKey("ci", "read");
    Response again =
        gateway.post(
            "/api/v1/api-keys",
            new JsonObject().put("name", "ci").put("scopes", new JsonArray().add("read")));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("api_key_exists");
  }
}
