package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * The gateway without the services that record builds, releases and lanes (here nobody answers its
 * requests): what it writes itself still works, what it asks of them is a 503 to try again, and
 * nothing is half written.
 */
class OwnersDownTest {

  @Test
  void whatTheOwnersRecordIsUnavailableAndNothingIsWritten() {
    try (TestGateway gateway = TestGateway.start()) {
      assertThat(gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web")).status())
          .isEqualTo(201);
      assertThat(
              gateway
                  .post(
                      "/api/v1/apps", new JsonObject().put("name", "web").put("image_repo", "web"))
                  .status())
          .isEqualTo(201);
      long lanes = gateway.count("lanes");
      long commands = gateway.count("outbox");

      Response lane = gateway.post("/api/v1/lanes", new JsonObject().put("name", "dev"));
      Response build = gateway.post("/api/v1/apps/web/builds", new JsonObject());

      assertThat(lane.status()).isEqualTo(503);
      assertThat(lane.code()).isEqualTo("service_unavailable");
      assertThat(lane.header("Retry-After")).as("when to try again").isEqualTo("5");
      assertThat(build.status()).isEqualTo(503);
      assertThat(build.code()).isEqualTo("service_unavailable");
      assertThat(gateway.count("lanes")).isEqualTo(lanes);
      assertThat(gateway.count("builds")).isZero();
      assertThat(gateway.count("outbox")).isEqualTo(commands);
      assertThat(gateway.get("/api/v1/lanes").status()).isEqualTo(200);
    }
  }
}
