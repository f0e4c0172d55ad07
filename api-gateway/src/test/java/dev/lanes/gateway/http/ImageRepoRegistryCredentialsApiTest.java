package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static dev.lanes.gateway.http.ImageRepoApiTest.repo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code registry_credentials} of an image repo: a user name and password for its registry, or a
 * {@code .dockerconfigjson} document; write-only, so answers, the audit log, the outbox and the
 * database in clear never hold a password (a canary).
 */
class ImageRepoRegistryCredentialsApiTest {

  private static final String CANARY = "robot_canary_4c2e91";
  private static TestGateway gateway;
  private final List<String> answers = new ArrayList<>();

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
    gateway.sql("delete from apps");
    gateway.sql("delete from image_repos");
  }

  private Response kept(Response r) {
    answers.add(r.raw().toString(StandardCharsets.UTF_8));
    return r;
  }

  private static JsonObject basic(String username, String password) {
    return new JsonObject().put("username", username).put("password", password);
  }

  private static String auth(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> rows(String query) {
    List<String> out = new ArrayList<>();
    for (Row row : gateway.pool.query(query).execute().timeout(30, TimeUnit.SECONDS).await()) {
      out.add(row.toJson().encode());
    }
    return out;
  }

  @Test
  void aUserNameAndPasswordAreAnsweredWithThePasswordMasked() {
    Response created =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                repo("web").put("registry_credentials", basic("robot$team", CANARY))));

    assertThat(created.status()).isEqualTo(201);
    JsonObject masked = basic("robot$team", "***");
    assertThat(created.data().getJsonObject("registry_credentials")).isEqualTo(masked);
    assertThat(
            kept(gateway.get("/api/v1/image-repos/web"))
                .data()
                .getJsonObject("registry_credentials"))
        .isEqualTo(masked);
    kept(gateway.get("/api/v1/image-repos"));
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
  }

  @Test
  void aDockerConfigShowsItsHostsAndUserNamesOnly() {
    JsonObject doc =
        new JsonObject()
            .put(
                "auths",
                new JsonObject()
                    .put("harbor.local:30002", new JsonObject().put("auth", auth("robot", CANARY)))
                    .put(
                        "https://index.docker.io/v1/",
                        new JsonObject().put("username", "me").put("password", CANARY + "hub")));

    Response created =
        kept(gateway.post("/api/v1/image-repos", repo("web").put("registry_credentials", doc)));

    assertThat(created.status()).as(created.raw().toString()).isEqualTo(201);
    assertThat(created.data().getJsonObject("registry_credentials"))
        .isEqualTo(
            new JsonObject()
                .put(
                    "auths",
                    new JsonObject()
                        .put("harbor.local:30002", basic("robot", "***"))
                        .put("https://index.docker.io/v1/", basic("me", "***"))));
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
  }

  @Test
  void theySealedInTheDatabaseAndTheAuditLogNamesTheFieldOnly() {
    kept(
        gateway.post(
            "/api/v1/image-repos",
            repo("web").put("registry_credentials", basic("robot", CANARY))));
    kept(
        gateway.put(
            "/api/v1/image-repos/web",
            new JsonObject().put("registry_credentials", basic("robot", CANARY + "2"))));

    assertThat(rows("select * from image_repos")).noneMatch(r -> r.contains(CANARY));
    List<String> audit = rows("select * from audit_log");
    assertThat(audit).isNotEmpty().noneMatch(r -> r.contains(CANARY));
    assertThat(audit)
        .filteredOn(r -> r.contains("image_repo.update"))
        .anySatisfy(r -> assertThat(r).contains("\"fields\":[\"registry_credentials\"]"));
    assertThat(rows("select * from outbox")).noneMatch(r -> r.contains(CANARY));
  }

  @Test
  void anUpdateWithoutThemKeepsThemAndNullRemovesThem() {
    gateway.post(
        "/api/v1/image-repos", repo("web").put("registry_credentials", basic("robot", CANARY)));

    Response other =
        gateway.put("/api/v1/image-repos/web", new JsonObject().put("dockerfile", "Dockerfile.x"));
    assertThat(other.data().getJsonObject("registry_credentials").getString("password"))
        .isEqualTo("***");

    Response removed =
        gateway.put("/api/v1/image-repos/web", new JsonObject().putNull("registry_credentials"));
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.data().getValue("registry_credentials")).isNull();
    assertThat(rows("select registry_credentials, registry_credentials_shown from image_repos"))
        .singleElement()
        .satisfies(r -> assertThat(r).doesNotContain("robot"));
  }

  @Test
  void badDocumentsAreRefusedFieldByFieldWithoutQuotingASecret() {
    JsonObject doc =
        new JsonObject()
            .put(
                "auths",
                new JsonObject()
                    .put("harbor.local", new JsonObject().put("auth", "not-base64-" + CANARY))
                    .put("bad host!", new JsonObject().put("username", "u").put("password", "p"))
                    .put("ok.example.com", new JsonObject().put("email", "a@b.c"))
                    .put("x.example.com", new JsonObject().put("token", CANARY)));

    Response bad =
        kept(gateway.post("/api/v1/image-repos", repo("web").put("registry_credentials", doc)));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder(
            "registry_credentials.auths.harbor.local.auth",
            "registry_credentials.auths.bad host!",
            "registry_credentials.auths.ok.example.com.auth",
            "registry_credentials.auths.x.example.com.token",
            "registry_credentials.auths.x.example.com.auth");
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
    assertThat(gateway.count("image_repos")).isZero();
  }

  @Test
  void aPairWithoutAPasswordOrAnEmptyDocumentIsRefused() {
    Response noPassword =
        gateway.post(
            "/api/v1/image-repos",
            repo("web").put("registry_credentials", new JsonObject().put("username", "robot")));
    assertThat(noPassword.status()).isEqualTo(400);
    assertThat(fields(noPassword)).containsExactly("registry_credentials.password");

    Response empty =
        gateway.post(
            "/api/v1/image-repos",
            repo("web")
                .put("registry_credentials", new JsonObject().put("auths", new JsonObject())));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(fields(empty)).containsExactly("registry_credentials.auths");
    assertThat(gateway.count("image_repos")).isZero();
  }
}
