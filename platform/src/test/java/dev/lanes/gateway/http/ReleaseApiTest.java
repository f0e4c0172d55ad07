package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
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

/** The release routes of the gateway; release-service is not running, so releases stay pending. */
class ReleaseApiTest {

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
    gateway.sql("delete from releases");
    gateway.sql("delete from builds");
    gateway.sql("delete from apps");
    gateway.sql("delete from image_repos");
    gateway.sql("delete from lanes where not protected");
    gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web"));
    gateway.post(
        "/api/v1/apps",
        new JsonObject()
            .put("name", "web")
            .put("image_repo", "web")
            .put("port", 8080)
            .put("replicas", 2));
    gateway.post("/api/v1/lanes", new JsonObject().put("name", "dev"));
    build("abc1234", "succeeded");
    build("bad0000", "failed");
    gateway.sql("delete from outbox");
  }

  private static void build(String tag, String status) {
    gateway.sql(
        "insert into builds (id, app, image_repo, git_ref, commit, tag, image, status) values ('"
            + UUID.randomUUID()
            + "', 'web', 'web', 'main', '"
            + tag
            + "000000000000000000000000000000000', '"
            + tag
            + "', 'harbor.local:30002/team/web:"
            + tag
            + "', '"
            + status
            + "')");
  }

  private static JsonObject release(String lane) {
    return new JsonObject().put("app", "web").put("lane", lane).put("tag", "abc1234");
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
  void aReleaseIsAcceptedPendingAsRevisionOneWithItsCommand() {
    Response r =
        gateway.post(
            "/api/v1/releases/", release("dev").put("envs", new JsonObject().put("FLAG", "on")));

    assertThat(r.status()).isEqualTo(202);
    JsonObject data = r.data();
    assertThat(data.getString("status")).isEqualTo("pending");
    assertThat(data.getInteger("revision")).isEqualTo(1);
    assertThat(data.getInteger("replicas")).isEqualTo(2);
    assertThat(data.getString("image")).isEqualTo("harbor.local:30002/team/web:abc1234");
    assertThat(data.getString("deployment")).isEqualTo("web-dev");
    assertThat(data.getString("service")).isEqualTo("web-dev");
    assertThat(r.header("Location")).isEqualTo("/api/v1/releases/" + data.getString("id"));
    assertThat(outboxTypes())
        .containsExactly("dev.lanes.release.apply", "dev.lanes.release.status");
  }

  @Test
  void aSecondPostIsANewRevisionThatKeepsWhatItLeavesOut() {
    String id =
        gateway
            .post(
                "/api/v1/releases",
                release("dev")
                    .put("replicas", 3)
                    .put("envs", new JsonObject().put("A", "1").put("B", "2")))
            .data()
            .getString("id");

    JsonObject second =
        gateway
            .post(
                "/api/v1/releases",
                new JsonObject()
                    .put("app", "web")
                    .put("lane", "dev")
                    .put("envs", new JsonObject().put("A", (Object) null).put("C", "3")))
            .data();

    assertThat(second.getString("id")).isEqualTo(id);
    assertThat(second.getInteger("revision")).isEqualTo(2);
    assertThat(second.getString("tag")).isEqualTo("abc1234");
    assertThat(second.getInteger("replicas")).isEqualTo(3);
    assertThat(second.getJsonObject("envs").getMap()).containsOnlyKeys("B", "C");
    JsonObject put =
        gateway.put("/api/v1/releases/" + id, new JsonObject().put("replicas", 1)).data();
    assertThat(put.getInteger("revision")).isEqualTo(3);
    assertThat(put.getJsonObject("envs").getMap()).containsOnlyKeys("B", "C");
    List<Integer> revisions = new ArrayList<>();
    gateway
        .get("/api/v1/releases/" + id + "/history")
        .list()
        .forEach(o -> revisions.add(((JsonObject) o).getInteger("revision")));
    assertThat(revisions).containsExactly(3, 2, 1);
  }

  @Test
  void aFailedReleaseSaysWhyAsACodeAndANewRevisionClearsIt() {
    String id = gateway.post("/api/v1/releases", release("dev")).data().getString("id");
    // what release-service writes when the rollout crash-loops
    gateway.sql(
        "update releases set status = 'failed', reason = 'crash_loop', message = 'pod web-dev-x:"
            + " CrashLoopBackOff' where id = '"
            + id
            + "'");

    JsonObject failed = gateway.get("/api/v1/releases/" + id).data();
    JsonObject again = gateway.post("/api/v1/releases", release("dev")).data();

    assertThat(failed.getString("reason")).isEqualTo("crash_loop");
    assertThat(failed.getString("message")).contains("CrashLoopBackOff");
    assertThat(again.getString("status")).isEqualTo("pending");
    assertThat(again.getValue("reason")).isNull();
    assertThat(again.getValue("message")).isNull();
  }

  @Test
  void refusesWhatCannotBeReleased() {
    assertCode(
        gateway.post("/api/v1/releases", release("dev").put("app", "nope")), 404, "app_not_found");
    assertCode(gateway.post("/api/v1/releases", release("qa")), 404, "lane_not_found");
    assertCode(
        gateway.post("/api/v1/releases", release("dev").put("tag", "fff9999")),
        404,
        "tag_not_found");
    assertCode(
        gateway.post("/api/v1/releases", release("dev").put("tag", "bad0000")),
        409,
        "build_not_succeeded");
    gateway.post(
        "/api/v1/lanes",
        new JsonObject()
            .put("name", "lane-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    assertCode(
        gateway.post(
            "/api/v1/releases",
            release("lane-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")),
        400,
        "name_too_long");
    assertCode(
        gateway.post("/api/v1/releases", new JsonObject().put("app", "web").put("lane", "dev")),
        400,
        "validation_failed");
    assertThat(gateway.count("releases")).isZero();
    assertThat(gateway.count("outbox")).isEqualTo(1); // the lane.created event of the long lane
  }

  @Test
  void reportsEveryInvalidFieldAtOnce() {
    Response bad =
        gateway.post(
            "/api/v1/releases",
            new JsonObject()
                .put("app", "Web")
                .put("lane", 7)
                .put("tag", "v1 2")
                .put("replicas", 101)
                .put("envs", new JsonObject().put("LANE", "x").put("1BAD", "y"))
                .put("image", "x"));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad))
        .containsExactlyInAnyOrder(
            "app", "lane", "tag", "replicas", "envs.LANE", "envs.1BAD", "image");
    assertThat(fields(gateway.post("/api/v1/releases", release("dev").put("replicas", -1))))
        .containsExactly("replicas");
    assertThat(gateway.count("releases")).isZero();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/releases/not-a-uuid",
        "/api/v1/releases/00000000-0000-0000-0000-000000000000"
      })
  void anUnknownReleaseIs404(String path) {
    assertCode(gateway.get(path), 404, "release_not_found");
    assertCode(gateway.get(path + "/history"), 404, "release_not_found");
  }

  @Test
  void rollsBackToTheRevisionBeforeByDefault() {
    String id =
        gateway.post("/api/v1/releases", release("dev").put("replicas", 1)).data().getString("id");
    gateway.post("/api/v1/releases", release("dev").put("replicas", 5));

    Response back =
        gateway.call(
            HttpMethod.POST,
            "/api/v1/releases/" + id + "/rollback",
            TestGateway.ADMIN_KEY,
            null,
            null);

    assertThat(back.status()).isEqualTo(202);
    assertThat(back.data().getInteger("revision")).isEqualTo(3);
    assertThat(back.data().getInteger("replicas")).isEqualTo(1);
    assertCode(
        gateway.post("/api/v1/releases/" + id + "/rollback", new JsonObject().put("revision", 42)),
        404,
        "revision_not_found");
    assertCode(
        gateway.post("/api/v1/releases/" + id + "/rollback", new JsonObject().put("revision", 0)),
        400,
        "validation_failed");
  }

  @Test
  void deletingIsAcceptedDeletingAndAnotherReleaseMustWait() {
    String id = gateway.post("/api/v1/releases", release("dev")).data().getString("id");

    Response deleting = gateway.delete("/api/v1/releases?app=web&lane=dev");

    assertThat(deleting.status()).isEqualTo(202);
    assertThat(deleting.data().getString("status")).isEqualTo("deleting");
    assertThat(outboxTypes()).contains("dev.lanes.release.delete");
    assertCode(gateway.post("/api/v1/releases", release("dev")), 409, "release_deleting");
    assertThat(gateway.delete("/api/v1/releases/" + id).status()).isEqualTo(202);
    assertCode(gateway.delete("/api/v1/releases?app=web"), 400, "validation_failed");
    assertCode(gateway.delete("/api/v1/releases?app=web&lane=prod"), 404, "release_not_found");
  }

  @Test
  void deletingALaneWithReleasesMarksItDeletingAndRefusesNewReleases() {
    gateway.post("/api/v1/releases", release("dev"));

    Response deleting = gateway.delete("/api/v1/lanes/dev");

    assertThat(deleting.status()).isEqualTo(202);
    assertThat(gateway.get("/api/v1/lanes/dev").data().getString("status")).isEqualTo("deleting");
    assertThat(gateway.get("/api/v1/releases?lane=dev").list().getJsonObject(0).getString("status"))
        .isEqualTo("deleting");
    assertCode(gateway.post("/api/v1/releases", release("dev")), 409, "lane_deleting");
    assertThat(outboxTypes()).contains("dev.lanes.lane.deleting", "dev.lanes.release.delete");
  }

  @Test
  void listsByAppAndLane() {
    gateway.post("/api/v1/releases", release("dev"));
    gateway.post("/api/v1/releases", release("prod"));
    assertThat(gateway.get("/api/v1/releases").list()).hasSize(2);
    assertThat(gateway.get("/api/v1/releases?lane=prod").list()).hasSize(1);
    assertThat(gateway.get("/api/v1/releases?app=other").list()).isEmpty();
  }

  @Test
  void theRuntimeStatusWithoutAClusterShowsNoPods() {
    String id = gateway.post("/api/v1/releases", release("dev")).data().getString("id");
    JsonObject status = gateway.get("/api/v1/releases/" + id + "/status").data();
    assertThat(status.getString("deployment")).isEqualTo("web-dev");
    assertThat(status.getJsonArray("pods")).isEmpty();
  }

  @Test
  void refusesBadLogParameters() {
    assertThat(fields(gateway.get("/api/v1/apps/web/logs?lane=Dev&tail=0&since=soon")))
        .containsExactlyInAnyOrder("lane", "tail", "since");
  }

  private static void assertCode(Response r, int status, String code) {
    assertThat(r.status()).as(r.raw() == null ? "" : r.raw().toString()).isEqualTo(status);
    assertThat(r.code()).isEqualTo(code);
  }
}
