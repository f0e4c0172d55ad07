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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code build_secrets} of an image repo: write-only BuildKit secrets, merged key by key, refused
 * for the Kaniko builder; a canary value is in no answer, audit entry, outbox row or clear column.
 */
class ImageRepoBuildSecretsApiTest {

  private static final String CANARY = "npm_canary_0b7e44";
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

  private static List<String> rows(String query) {
    List<String> out = new ArrayList<>();
    for (Row row : gateway.pool.query(query).execute().timeout(30, TimeUnit.SECONDS).await()) {
      out.add(row.toJson().encode());
    }
    return out;
  }

  private static JsonObject buildkit(String name) {
    return repo(name).put("builder", "buildkit");
  }

  @Test
  void secretsAreAnsweredByNameOnlyAndSealedAtRest() {
    Response created =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                buildkit("web")
                    .put("build_secrets", new JsonObject().put("NPM_TOKEN", CANARY + "\nline 2"))));

    assertThat(created.status()).as(created.raw().toString()).isEqualTo(201);
    assertThat(created.data().getJsonObject("build_secrets"))
        .isEqualTo(new JsonObject().put("NPM_TOKEN", "***"));
    kept(gateway.get("/api/v1/image-repos/web"));
    kept(gateway.get("/api/v1/image-repos"));
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
    assertThat(rows("select * from image_repos")).noneMatch(r -> r.contains(CANARY));
    assertThat(rows("select * from audit_log")).isNotEmpty().noneMatch(r -> r.contains(CANARY));
    assertThat(rows("select * from outbox")).noneMatch(r -> r.contains(CANARY));
  }

  @Test
  void theyMergeKeyByKeyAndNullDeletes() {
    gateway.post(
        "/api/v1/image-repos",
        buildkit("web").put("build_secrets", new JsonObject().put("A", "1").put("B", "2")));

    Response merged =
        gateway.put(
            "/api/v1/image-repos/web",
            new JsonObject().put("build_secrets", new JsonObject().put("C", "3").putNull("A")));
    assertThat(merged.data().getJsonObject("build_secrets").fieldNames())
        .containsExactlyInAnyOrder("B", "C");
    assertThat(rows("select * from audit_log"))
        .filteredOn(r -> r.contains("image_repo.update"))
        .anySatisfy(r -> assertThat(r).contains("\"fields\":[\"build_secrets\"]"));

    Response cleared =
        gateway.put("/api/v1/image-repos/web", new JsonObject().putNull("build_secrets"));
    assertThat(cleared.data().getJsonObject("build_secrets")).isEqualTo(new JsonObject());
  }

  @Test
  void kanikoCannotKeepThemOutOfTheImage() {
    Response bad =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                repo("web").put("build_secrets", new JsonObject().put("NPM_TOKEN", CANARY))));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("build_secrets");
    assertThat(bad.raw().toString()).contains("buildkit");
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
    assertThat(gateway.count("image_repos")).isZero();

    // nor may a repo with secrets go back to Kaniko
    gateway.post(
        "/api/v1/image-repos",
        buildkit("web").put("build_secrets", new JsonObject().put("A", "1")));
    Response back =
        gateway.put("/api/v1/image-repos/web", new JsonObject().put("builder", "kaniko"));
    assertThat(back.status()).isEqualTo(400);
    assertThat(fields(back)).containsExactly("build_secrets");
  }

  @Test
  void badNamesAndEmptyValuesAreRefusedByKey() {
    Response bad =
        kept(
            gateway.post(
                "/api/v1/image-repos",
                buildkit("web")
                    .put("build_secrets", new JsonObject().put("1BAD", CANARY).put("EMPTY", ""))));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactlyInAnyOrder("build_secrets.1BAD", "build_secrets.EMPTY");
    assertThat(answers).noneMatch(a -> a.contains(CANARY));
  }
}
