package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static dev.lanes.gateway.http.ImageRepoApiTest.repo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An image repo's {@code builder}: kaniko or buildkit, the gateway's default at creation. */
public class ImageRepoBuilderApiTest {

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

  @Test
  void aRepoCreatedWithoutABuilderShowsTheDefaultKaniko() {
    Response created = gateway.post("/api/v1/image-repos", repo("web"));

    assertThat(created.status()).isEqualTo(201);
    assertThat(created.data().getString("builder")).isEqualTo("kaniko");
    assertThat(gateway.get("/api/v1/image-repos/web").data().getString("builder"))
        .isEqualTo("kaniko");
  }

  @Test
  void aRepoMayBeBuiltWithBuildkitAndChangedBack() {
    Response created = gateway.post("/api/v1/image-repos", repo("web").put("builder", "buildkit"));
    assertThat(created.data().getString("builder")).isEqualTo("buildkit");

    Response kept =
        gateway.put("/api/v1/image-repos/web", new JsonObject().put("dockerfile", "Dockerfile.2"));
    assertThat(kept.data().getString("builder")).isEqualTo("buildkit");

    Response reset =
        gateway.put("/api/v1/image-repos/web", new JsonObject().put("builder", (Object) null));
    assertThat(reset.status()).isEqualTo(200);
    assertThat(reset.data().getString("builder")).isEqualTo("kaniko");
  }

  @Test
  void anUnknownBuilderIsAValidationErrorNamingTheField() {
    Response bad = gateway.post("/api/v1/image-repos", repo("web").put("builder", "docker"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.code()).isEqualTo("validation_failed");
    assertThat(fields(bad)).containsExactly("builder");
    assertThat(bad.json().encode()).contains("must be one of kaniko, buildkit");
    assertThat(gateway.count("image_repos")).isZero();

    gateway.post("/api/v1/image-repos", repo("web"));
    Response badUpdate = gateway.put("/api/v1/image-repos/web", new JsonObject().put("builder", 7));
    assertThat(badUpdate.status()).isEqualTo(400);
    assertThat(fields(badUpdate)).containsExactly("builder");
  }

  @Test
  void buildArgsAreShownReplacedWholeOnUpdateAndClearedByNull() {
    Response created =
        gateway.post(
            "/api/v1/image-repos",
            repo("web").put("build_args", new JsonObject().put("VERSION", "1").put("BASE", "a")));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.data().getJsonObject("build_args"))
        .isEqualTo(new JsonObject().put("BASE", "a").put("VERSION", "1"));
    assertThat(gateway.post("/api/v1/image-repos", repo("api")).data().getJsonObject("build_args"))
        .isEqualTo(new JsonObject());

    Response replaced =
        gateway.put(
            "/api/v1/image-repos/web",
            new JsonObject().put("build_args", new JsonObject().put("BASE", "b")));
    assertThat(replaced.data().getJsonObject("build_args"))
        .isEqualTo(new JsonObject().put("BASE", "b"));
    Response cleared =
        gateway.put("/api/v1/image-repos/web", new JsonObject().put("build_args", (Object) null));
    assertThat(cleared.data().getJsonObject("build_args")).isEqualTo(new JsonObject());
  }

  @Test
  void buildArgNamesAndValuesAreChecked() {
    Response bad =
        gateway.post(
            "/api/v1/image-repos",
            repo("web")
                .put(
                    "build_args",
                    new JsonObject()
                        .put("1BAD", "x")
                        .put("OK", "y")
                        .put("LONG", "v".repeat(4097))
                        .put("NUM", 3)));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder("build_args.1BAD", "build_args.LONG", "build_args.NUM");
    JsonObject many = new JsonObject();
    for (int i = 0; i < 65; i++) {
      many.put("A" + i, "v");
    }
    assertThat(fields(gateway.post("/api/v1/image-repos", repo("web").put("build_args", many))))
        .containsExactly("build_args");
    assertThat(gateway.count("image_repos")).isZero();
  }

  @Test
  void aCacheRepoIsCheckedShownAndResetToTheDefaultByNull() {
    assertThat(gateway.post("/api/v1/image-repos", repo("api")).data().getValue("cache_repo"))
        .isNull();
    Response created =
        gateway.post(
            "/api/v1/image-repos", repo("web").put("cache_repo", "harbor.local:30002/cache/web"));
    assertThat(created.data().getString("cache_repo")).isEqualTo("harbor.local:30002/cache/web");

    Response bad =
        gateway.put(
            "/api/v1/image-repos/web", new JsonObject().put("cache_repo", "harbor.local/c:latest"));
    assertThat(fields(bad)).containsExactly("cache_repo");
    Response reset =
        gateway.put("/api/v1/image-repos/web", new JsonObject().put("cache_repo", (Object) null));
    assertThat(reset.data().getValue("cache_repo")).isNull();
  }

  @Test
  void defaultBuilderConfiguresTheBuilderOfNewRepos() {
    try (TestGateway buildkitFirst = TestGateway.start(Map.of("DEFAULT_BUILDER", "buildkit"))) {
      Response created = buildkitFirst.post("/api/v1/image-repos", repo("api"));
      assertThat(created.data().getString("builder")).isEqualTo("buildkit");
      Response kaniko =
          buildkitFirst.post("/api/v1/image-repos", repo("web").put("builder", "kaniko"));
      assertThat(kaniko.data().getString("builder")).isEqualTo("kaniko");
    }
  }

  @Test
  void theAuditLogNamesAChangedBuilder() {
    gateway.post("/api/v1/image-repos", repo("web"));
    gateway.put("/api/v1/image-repos/web", new JsonObject().put("builder", "buildkit"));

    // the last row written for the repo is its update's
    String details =
        gateway
            .pool
            .query(
                "select details::text from audit_log where resource_id = 'web'"
                    + " order by id desc limit 1")
            .execute()
            .await()
            .iterator()
            .next()
            .getString(0);
    assertThat(details).contains("\"builder\"");
  }
}
