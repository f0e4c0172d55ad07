package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class ImageRepoApiTest {

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
    gateway.sql("delete from apps");
    gateway.sql("delete from image_repos");
  }

  public static JsonObject repo(String name) {
    return new JsonObject()
        .put("name", name)
        .put("registry", "harbor.local:30002/team/" + name)
        .put("git_repo", "team/" + name);
  }

  @Test
  void createsARepoWithDefaultsAndAnswersWhereItLives() {
    Response created = gateway.post("/api/v1/image-repos/", repo("web"));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.header("Location")).isEqualTo("/api/v1/image-repos/web");
    JsonObject data = created.data();
    assertThat(data.getString("name")).isEqualTo("web");
    assertThat(data.getString("registry")).isEqualTo("harbor.local:30002/team/web");
    assertThat(data.getString("context_dir")).isEqualTo(".");
    assertThat(data.getString("dockerfile")).isEqualTo("Dockerfile");
    assertThat(data.getBoolean("no_cache")).isFalse();
    assertThat(data.getString("created_at")).endsWith("Z");
    assertThat(gateway.get("/api/v1/image-repos/web").data()).isEqualTo(data);
    assertThat(gateway.get("/api/v1/image-repos/web/").data()).isEqualTo(data);
  }

  @Test
  void refusesADuplicateName() {
    gateway.post("/api/v1/image-repos", repo("web"));
    Response again = gateway.post("/api/v1/image-repos", repo("web"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("image_repo_exists");
    assertThat(gateway.count("image_repos")).isEqualTo(1);
  }

  @Test
  void answersAnUnknownRepoWith404() {
    Response missing = gateway.get("/api/v1/image-repos/nope");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.code()).isEqualTo("image_repo_not_found");
    assertThat(missing.json().getString("detail")).isEqualTo("image repo 'nope' does not exist");
  }

  @Test
  void reportsEveryInvalidFieldAtOnceAndWritesNothing() {
    Response bad =
        gateway.post(
            "/api/v1/image-repos",
            new JsonObject()
                .put("name", "Web_1")
                .put("registry", "harbor.local/web:latest")
                .put("git_repo", "ssh://git:password@github.com/team/web")
                .put("context_dir", "../outside")
                .put("dockerfile", "/etc/Dockerfile")
                .put("no_cache", "yes")
                .put("colour", "blue"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("validation_failed");
    assertThat(fields(bad))
        .containsExactlyInAnyOrder(
            "name", "registry", "git_repo", "context_dir", "dockerfile", "no_cache", "colour");
    assertThat(gateway.count("image_repos")).isZero();
  }

  @Test
  void requiresNameRegistryAndGitRepo() {
    Response bad = gateway.post("/api/v1/image-repos", new JsonObject());
    assertThat(fields(bad)).containsExactlyInAnyOrder("name", "registry", "git_repo");
  }

  @ParameterizedTest
  @CsvSource({
    "git_repo, 'https://user:pw@github.com/team/web'",
    "git_repo, 'http://github.com/team/web'",
    "git_repo, 'file:///srv/git/web'",
    "context_dir, '/abs'",
    "context_dir, 'a/../../b'",
    "registry, 'web@sha256:0123'",
    "name, 'a-name-that-is-far-too-long-to-be-a-kubernetes-label-because-it-is-64'"
  })
  void refusesEachBadValue(String field, String value) {
    JsonObject body = repo("web").put(field, value);
    Response bad = gateway.post("/api/v1/image-repos", body);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly(field);
    assertThat(gateway.count("image_repos")).isZero();
  }

  @Test
  void updatesOnlyTheFieldsSentAndResetsNullsToDefaults() {
    gateway.post(
        "/api/v1/image-repos",
        repo("web").put("context_dir", "services/web").put("no_cache", true));

    Response updated =
        gateway.put(
            "/api/v1/image-repos/web",
            new JsonObject()
                .put("dockerfile", "Dockerfile.prod")
                .put("context_dir", (Object) null));

    assertThat(updated.status()).isEqualTo(200);
    JsonObject data = updated.data();
    assertThat(data.getString("dockerfile")).isEqualTo("Dockerfile.prod");
    assertThat(data.getString("context_dir")).isEqualTo(".");
    assertThat(data.getBoolean("no_cache")).isTrue();
    assertThat(data.getString("git_repo")).isEqualTo("team/web");
    assertThat(data.getString("updated_at")).isGreaterThan(data.getString("created_at"));
  }

  @Test
  void refusesToRenameOrNullARequiredField() {
    gateway.post("/api/v1/image-repos", repo("web"));
    Response bad =
        gateway.put(
            "/api/v1/image-repos/web",
            new JsonObject().put("name", "other").put("registry", (Object) null));
    assertThat(fields(bad)).containsExactlyInAnyOrder("name", "registry");
    assertThat(gateway.get("/api/v1/image-repos/web").data().getString("registry"))
        .isEqualTo("harbor.local:30002/team/web");
  }

  @Test
  void updatingAnUnknownRepoIs404() {
    Response missing =
        gateway.put("/api/v1/image-repos/nope", new JsonObject().put("no_cache", true));
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.code()).isEqualTo("image_repo_not_found");
  }

  @Test
  void deletesARepoNoAppUses() {
    gateway.post("/api/v1/image-repos", repo("web"));
    assertThat(gateway.delete("/api/v1/image-repos/web").status()).isEqualTo(204);
    assertThat(gateway.get("/api/v1/image-repos/web").status()).isEqualTo(404);
    assertThat(gateway.delete("/api/v1/image-repos/web").code()).isEqualTo("image_repo_not_found");
  }

  @Test
  void refusesToDeleteARepoAnAppUses() {
    gateway.post("/api/v1/image-repos", repo("web"));
    gateway.post("/api/v1/apps", new JsonObject().put("name", "web-api").put("image_repo", "web"));

    Response inUse = gateway.delete("/api/v1/image-repos/web");

    assertThat(inUse.status()).isEqualTo(409);
    assertThat(inUse.code()).isEqualTo("image_repo_in_use");
    assertThat(inUse.json().getString("detail")).contains("web-api");
    assertThat(gateway.count("image_repos")).isEqualTo(1);
  }

  @Test
  void listsByNameInPagesWithAnOpaqueCursor() {
    for (String name : List.of("delta", "alpha", "echo", "charlie", "bravo")) {
      gateway.post("/api/v1/image-repos", repo(name));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      Response page =
          gateway.get("/api/v1/image-repos?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).isEqualTo(200);
      page.list().forEach(o -> seen.add(((JsonObject) o).getString("name")));
      cursor = page.json().getString("next_cursor");
      pages++;
    } while (cursor != null);

    assertThat(seen).containsExactly("alpha", "bravo", "charlie", "delta", "echo");
    assertThat(pages).isEqualTo(3);
    assertThat(gateway.get("/api/v1/image-repos").json().containsKey("next_cursor")).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"limit=0, limit", "limit=501, limit", "limit=ten, limit", "cursor=bogus, cursor"})
  void refusesBadPagingParameters(String query, String field) {
    Response bad = gateway.get("/api/v1/image-repos?" + query);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly(field);
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.7/team/app.git",
        "git://192.168.1.10/team/app.git",
        "https://[fd00::1]/team/app.git",
        "https://127.0.0.1/team/app.git"
      })
  void aGitRepoAtARefusedLiteralAddressIsRefusedAndNothingIsWritten(String gitRepo) {
    long before = gateway.count("image_repos");

    Response bad = gateway.post("/api/v1/image-repos", repo("ssrf").put("git_repo", gitRepo));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("git_repo_not_allowed");
    assertThat(bad.json().getString("detail")).contains("GIT_ALLOWED_NETWORKS");
    assertThat(gateway.count("image_repos")).isEqualTo(before);
  }

  @org.junit.jupiter.api.Test
  void anAllowedNetworkIsAccepted() {
    try (TestGateway allowing =
        TestGateway.start(java.util.Map.of("GIT_ALLOWED_NETWORKS", "10.1.0.0/16"))) {
      assertThat(
              allowing
                  .post(
                      "/api/v1/image-repos",
                      repo("inhouse").put("git_repo", "https://10.1.2.3/team/app.git"))
                  .status())
          .isEqualTo(201);
      assertThat(
              allowing
                  .post(
                      "/api/v1/image-repos",
                      repo("other").put("git_repo", "https://10.2.0.1/team/app.git"))
                  .code())
          .isEqualTo("git_repo_not_allowed");
    }
  }

  public static List<String> fields(Response response) {
    JsonArray errors = response.json().getJsonArray("errors");
    List<String> out = new ArrayList<>();
    if (errors != null) {
      errors.forEach(e -> out.add(((JsonObject) e).getString("field")));
    }
    return out;
  }
}
