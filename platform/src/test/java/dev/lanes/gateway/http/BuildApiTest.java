package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The build routes of the gateway; build-service is not running, so builds stay pending. */
class BuildApiTest {

  private static final String SHA = "e6d74be05e1cb4f5083ad5d46f03705cb29b157b";
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
    gateway.sql("delete from outbox");
    gateway.sql("delete from builds");
    gateway.sql("delete from apps");
    gateway.sql("delete from image_repos");
    gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web"));
    gateway.post("/api/v1/apps", new JsonObject().put("name", "web").put("image_repo", "web"));
    gateway.post("/api/v1/apps", new JsonObject().put("name", "other").put("image_repo", "web"));
  }

  /** A build row in any state, as build-service would leave it. */
  private static UUID insert(String app, String status, String commit, String createdAt) {
    UUID id = UUID.randomUUID();
    gateway.sql(
        "insert into builds (id, app, image_repo, git_ref, commit, tag, image, digest, status,"
            + " created_at, finished_at) values ('"
            + id
            + "', '"
            + app
            + "', 'web', 'main', "
            + (commit == null ? "null" : "'" + commit + "'")
            + ", "
            + (commit == null ? "null" : "'" + commit.substring(0, 7) + "'")
            + ", 'r/web:x', 'sha256:ab', '"
            + status
            + "', '"
            + createdAt
            + "', "
            + (status.equals("succeeded") || status.equals("failed")
                ? "'" + createdAt + "'"
                : "null")
            + ")");
    return id;
  }

  private static List<String> outboxTypes() {
    List<String> types = new ArrayList<>();
    gateway
        .pool
        .query("select event_type from outbox order by id")
        .execute()
        .timeout(30, TimeUnit.SECONDS)
        .await()
        .forEach(r -> types.add(r.getString(0)));
    return types;
  }

  @Test
  void aBuildRequestIsRecordedPendingWithItsCommandAndEvent() {
    Response accepted =
        gateway.post("/api/v1/apps/web/builds/", new JsonObject().put("git_ref", "v1.2.3"));

    assertThat(accepted.status()).isEqualTo(202);
    JsonObject build = accepted.data();
    assertThat(build.getString("status")).isEqualTo("pending");
    assertThat(build.getString("git_ref")).isEqualTo("v1.2.3");
    assertThat(build.getString("image_repo")).isEqualTo("web");
    assertThat(accepted.header("Location"))
        .isEqualTo("/api/v1/apps/web/builds/" + build.getString("id"));
    assertThat(outboxTypes())
        .containsExactly("dev.lanes.build.requested", "dev.lanes.build.status");
  }

  @Test
  void aBuildsArgumentsAndNoCacheAreRecordedInItsSourceOverTheReposAndForceARebuild() {
    gateway.put(
        "/api/v1/image-repos/web",
        new JsonObject().put("build_args", new JsonObject().put("BASE", "alpine").put("V", "1")));
    UUID built = insert("other", "succeeded", SHA, "2026-01-01T00:00:00Z");

    Response accepted =
        gateway.post(
            "/api/v1/apps/web/builds",
            new JsonObject()
                .put("git_ref", SHA)
                .put("build_args", new JsonObject().put("V", "2"))
                .put("no_cache", true));

    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.data().getString("id")).isNotEqualTo(built.toString());
    var row =
        gateway
            .pool
            .query(
                "select source, force from builds where id = '"
                    + accepted.data().getString("id")
                    + "'")
            .execute()
            .await()
            .iterator()
            .next();
    JsonObject source = row.getJsonObject("source");
    assertThat(source.getJsonObject("build_args"))
        .isEqualTo(new JsonObject().put("BASE", "alpine").put("V", "2"));
    assertThat(source.getBoolean("no_cache")).isTrue();
    assertThat(row.getBoolean("force")).isTrue();
  }

  @Test
  void refusesBadBuildArgumentsAndNoCache() {
    Response bad =
        gateway.post(
            "/api/v1/apps/web/builds",
            new JsonObject()
                .put("build_args", new JsonObject().put("1X", "a").put("OK", 1))
                .put("no_cache", "yes"));

    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactlyInAnyOrder("build_args.1X", "build_args.OK", "no_cache");
    assertThat(gateway.count("builds")).isZero();
  }

  @Test
  void anEmptyBodyBuildsMain() {
    Response accepted =
        gateway.call(HttpMethod.POST, "/api/v1/apps/web/builds", TestGateway.ADMIN_KEY, null, null);
    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.data().getString("git_ref")).isEqualTo("main");
  }

  @Test
  void aCommitAlreadyBuiltAnswersThatBuildUnlessForced() {
    UUID built = insert("other", "succeeded", SHA, "2026-01-01T00:00:00Z");

    Response existing =
        gateway.post("/api/v1/apps/web/builds", new JsonObject().put("git_ref", SHA));
    assertThat(existing.status()).isEqualTo(200);
    assertThat(existing.data().getString("id")).isEqualTo(built.toString());
    assertThat(gateway.count("builds")).isEqualTo(1);

    Response forced =
        gateway.post(
            "/api/v1/apps/web/builds", new JsonObject().put("git_ref", SHA).put("force", true));
    assertThat(forced.status()).isEqualTo(202);
    assertThat(gateway.count("builds")).isEqualTo(2);
  }

  @Test
  void refusesUnknownAppsAndAppsWithoutAnImageRepo() {
    assertThat(gateway.post("/api/v1/apps/nope/builds", new JsonObject()).code())
        .isEqualTo("app_not_found");
    // reading the builds of an app that isn't there is a typo to report, not an empty list
    assertThat(gateway.get("/api/v1/apps/nope/builds").code()).isEqualTo("app_not_found");
    assertThat(gateway.get("/api/v1/apps/nope/builds/latest").code()).isEqualTo("app_not_found");
    gateway.post("/api/v1/apps", new JsonObject().put("name", "worker"));
    Response noRepo = gateway.post("/api/v1/apps/worker/builds", new JsonObject());
    assertThat(noRepo.status()).isEqualTo(409);
    assertThat(noRepo.code()).isEqualTo("app_has_no_image_repo");
    assertThat(gateway.count("builds")).isZero();
    assertThat(gateway.count("outbox")).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"main branch", "-main", "a..b", "feat;rm", "ref$"})
  void refusesRefsWithOtherCharacters(String ref) {
    Response bad = gateway.post("/api/v1/apps/web/builds", new JsonObject().put("git_ref", ref));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactly("git_ref");
    assertThat(gateway.count("builds")).isZero();
  }

  @Test
  void refusesLongRefsUnknownFieldsAndBadWaits() {
    assertThat(
            fields(
                gateway.post(
                    "/api/v1/apps/web/builds", new JsonObject().put("git_ref", "a".repeat(256)))))
        .containsExactly("git_ref");
    assertThat(
            fields(
                gateway.post(
                    "/api/v1/apps/web/builds",
                    new JsonObject().put("branch", "main").put("force", "yes"))))
        .containsExactlyInAnyOrder("branch", "force");
    assertThat(fields(gateway.post("/api/v1/apps/web/builds?wait=soon", new JsonObject())))
        .containsExactly("wait");
    assertThat(fields(gateway.post("/api/v1/apps/web/builds?wait=6m", new JsonObject())))
        .containsExactly("wait");
    assertThat(gateway.count("builds")).isZero();
  }

  @Test
  void aWaitThatEndsFirstAnswers202WithTheCurrentStatus() {
    Response r = gateway.post("/api/v1/apps/web/builds?wait=1s", new JsonObject());
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.data().getString("status")).isEqualTo("pending");
  }

  @Test
  void aBuildIsFoundOnlyUnderItsOwnApp() {
    UUID id = insert("web", "succeeded", SHA, "2026-01-01T00:00:00Z");
    assertThat(gateway.get("/api/v1/apps/web/builds/" + id).data().getString("commit"))
        .isEqualTo(SHA);
    for (String path :
        List.of(
            "/api/v1/apps/other/builds/" + id,
            "/api/v1/apps/web/builds/" + UUID.randomUUID(),
            "/api/v1/apps/web/builds/not-a-uuid",
            "/api/v1/apps/web/builds/not-a-uuid/logs")) {
      Response missing = gateway.get(path);
      assertThat(missing.status()).as(path).isEqualTo(404);
      assertThat(missing.code()).isEqualTo("build_not_found");
    }
  }

  @Test
  void listsNewestFirstInPages() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(insert("web", "succeeded", null, "2026-01-0" + i + "T00:00:00Z"));
    }
    insert("other", "succeeded", null, "2026-02-01T00:00:00Z");
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Response page =
          gateway.get(
              "/api/v1/apps/web/builds?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
      page.list().forEach(o -> seen.add(((JsonObject) o).getString("id")));
      cursor = page.json().getString("next_cursor");
    } while (cursor != null);
    assertThat(seen)
        .containsExactly(
            ids.get(4).toString(),
            ids.get(3).toString(),
            ids.get(2).toString(),
            ids.get(1).toString(),
            ids.get(0).toString());
  }

  @Test
  void latestIsTheNewestSucceededBuild() {
    Response none = gateway.get("/api/v1/apps/web/builds/latest");
    assertThat(none.status()).isEqualTo(404);
    assertThat(none.code()).isEqualTo("build_not_found");
    insert("web", "succeeded", SHA, "2026-01-01T00:00:00Z");
    UUID newest = insert("web", "succeeded", SHA, "2026-01-02T00:00:00Z");
    insert("web", "failed", SHA, "2026-01-03T00:00:00Z");
    assertThat(gateway.get("/api/v1/apps/web/builds/latest/").data().getString("id"))
        .isEqualTo(newest.toString());
  }

  @Test
  void cancelsABuildThatHasNotEndedAndRefusesOneThatHas() {
    String id = gateway.post("/api/v1/apps/web/builds", new JsonObject()).data().getString("id");

    Response cancelled =
        gateway.call(
            HttpMethod.POST,
            "/api/v1/apps/web/builds/" + id + "/cancel",
            TestGateway.ADMIN_KEY,
            null,
            null);

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.data().getString("status")).isEqualTo("cancelled");
    assertThat(cancelled.data().getString("reason")).isEqualTo("cancelled");
    assertThat(cancelled.data().getString("message")).isEqualTo("cancelled by API key admin");
    assertThat(cancelled.data().getString("finished_at")).isNotNull();
    assertThat(outboxTypes()).contains("dev.lanes.build.cancel");
    Response again =
        gateway.call(
            HttpMethod.POST,
            "/api/v1/apps/web/builds/" + id + "/cancel",
            TestGateway.ADMIN_KEY,
            null,
            null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.code()).isEqualTo("build_finished");
  }

  @Test
  void servesTheSavedLogAsTextOrEvents() {
    UUID id = insert("web", "succeeded", SHA, "2026-01-01T00:00:00Z");
    gateway.sql(
        "insert into build_logs (build_id, log) values ('" + id + "', E'step one\\nstep two\\n')");

    Response text = gateway.get("/api/v1/apps/web/builds/" + id + "/logs");
    assertThat(text.status()).isEqualTo(200);
    assertThat(text.header("Content-Type")).startsWith("text/plain");
    assertThat(text.raw().toString()).isEqualTo("step one\nstep two\n");

    Response events =
        gateway.callWithHeaders(
            HttpMethod.GET,
            "/api/v1/apps/web/builds/" + id + "/logs?follow=true",
            "Accept",
            "text/event-stream");
    assertThat(events.header("Content-Type")).isEqualTo("text/event-stream");
    assertThat(events.raw().toString())
        .isEqualTo(
            "data: step one\n\ndata: step two\n\nevent: end\ndata: {\"status\":\"succeeded\"}\n\n");
  }

  @Test
  void aFailedBuildSaysWhyAsACodeInItsJsonAndAtTheEndOfItsLog() {
    UUID id = insert("web", "failed", SHA, "2026-01-01T00:00:00Z");
    // what build-service writes when the Dockerfile is missing
    gateway.sql(
        "update builds set reason = 'dockerfile_missing', message = 'Kaniko exited with code 1'"
            + " where id = '"
            + id
            + "'");
    gateway.sql("insert into build_logs (build_id, log) values ('" + id + "', E'step one\\n')");

    JsonObject build = gateway.get("/api/v1/apps/web/builds/" + id).data();
    Response events =
        gateway.callWithHeaders(
            HttpMethod.GET,
            "/api/v1/apps/web/builds/" + id + "/logs?follow=true",
            "Accept",
            "text/event-stream");

    assertThat(build.getString("reason")).isEqualTo("dockerfile_missing");
    assertThat(build.getString("message")).isEqualTo("Kaniko exited with code 1");
    assertThat(events.raw().toString())
        .endsWith(
            "event: end\ndata: {\"status\":\"failed\",\"reason\":\"dockerfile_missing\","
                + "\"message\":\"Kaniko exited with code 1\"}\n\n");
  }

  @Test
  void aReadKeyCannotStartOrCancelBuilds() {
    String read =
        gateway
            .post(
                "/api/v1/api-keys",
                new JsonObject()
                    .put("name", "ro-" + UUID.randomUUID())
                    .put("scopes", new io.vertx.core.json.JsonArray().add("read")))
            .data()
            .getString("key");
    Response refused =
        gateway.call(
            HttpMethod.POST,
            "/api/v1/apps/web/builds",
            read,
            "application/json",
            Buffer.buffer("{}"));
    assertThat(refused.status()).isEqualTo(403);
    assertThat(gateway.call(HttpMethod.GET, "/api/v1/apps/web/builds", read, null, null).status())
        .isEqualTo(200);
  }
}
