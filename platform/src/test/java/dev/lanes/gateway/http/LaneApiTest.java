package dev.lanes.gateway.http;

import static dev.lanes.gateway.http.ImageRepoApiTest.fields;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.messaging.Message;
import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LaneApiTest {

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
    gateway.sql("delete from lanes where not protected");
    gateway.sql("delete from outbox");
  }

  @Test
  void prodAndBlueExistFromTheStartAndAreProtected() {
    List<String> names = new ArrayList<>();
    gateway.get("/api/v1/lanes").list().forEach(o -> names.add(((JsonObject) o).getString("name")));
    assertThat(names).containsExactly("blue", "prod");
    assertThat(gateway.get("/api/v1/lanes/prod").data().getBoolean("protected")).isTrue();
  }

  @Test
  void createsALaneThatExpires() {
    Instant before = Instant.now();
    Response created =
        gateway.post(
            "/api/v1/lanes",
            new JsonObject()
                .put("name", "feature-x")
                .put("description", "demo")
                .put("ttl_seconds", 3600));

    assertThat(created.status()).isEqualTo(201);
    JsonObject lane = created.data();
    assertThat(lane.getString("status")).isEqualTo("active");
    assertThat(lane.getBoolean("protected")).isFalse();
    assertThat(Instant.parse(lane.getString("expires_at")))
        .isBetween(before.plusSeconds(3590), Instant.now().plusSeconds(3610));
  }

  @Test
  void refusesBadLanes() {
    Response bad =
        gateway.post(
            "/api/v1/lanes",
            new JsonObject().put("name", "Feature X").put("ttl_seconds", 5).put("color", 1));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(fields(bad)).containsExactlyInAnyOrder("name", "ttl_seconds", "color");
    assertThat(gateway.post("/api/v1/lanes", new JsonObject().put("name", "prod")).code())
        .isEqualTo("lane_exists");
  }

  @Test
  void refusesToDeleteAProtectedLane() {
    Response refused = gateway.delete("/api/v1/lanes/prod");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.code()).isEqualTo("lane_protected");
    assertThat(gateway.get("/api/v1/lanes/prod").status()).isEqualTo(200);
  }

  @Test
  void deletesAnotherLaneAsynchronouslyAndItIsThenGone() {
    gateway.post("/api/v1/lanes", new JsonObject().put("name", "dev"));

    Response accepted = gateway.delete("/api/v1/lanes/dev/");

    assertThat(accepted.status()).isEqualTo(202);
    assertThat(accepted.data().getString("status")).isEqualTo("deleting");
    assertThat(gateway.get("/api/v1/lanes/dev").code()).isEqualTo("lane_not_found");
    assertThat(gateway.delete("/api/v1/lanes/dev").status()).isEqualTo(404);
  }

  @Test
  void recordsLaneEventsInTheOutboxWithTheChange() {
    gateway.post("/api/v1/lanes", new JsonObject().put("name", "dev"));
    gateway.delete("/api/v1/lanes/dev");

    List<String> types = new ArrayList<>();
    gateway
        .pool
        .query("select event_type, payload from outbox order by id")
        .execute()
        .timeout(30, TimeUnit.SECONDS)
        .await()
        .forEach(
            r -> {
              types.add(r.getString("event_type"));
              Message m =
                  Message.fromCloudEvent(r.getJsonObject("payload").getJsonObject("message"));
              assertThat(m.subject()).isEqualTo("dev");
              assertThat(m.data().getString("name")).isEqualTo("dev");
            });
    assertThat(types).containsExactly("dev.lanes.lane.created", "dev.lanes.lane.deleted");
  }

  @Test
  void aRefusedLaneWritesNoEvent() {
    gateway.post("/api/v1/lanes", new JsonObject().put("name", "BAD"));
    gateway.delete("/api/v1/lanes/prod");
    assertThat(gateway.count("outbox")).isZero();
  }
}
