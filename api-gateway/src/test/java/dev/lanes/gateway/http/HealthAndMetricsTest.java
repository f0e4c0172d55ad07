package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import dev.lanes.testkit.DedicatedPostgres;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthAndMetricsTest {

  @Test
  void healthReadinessAndMetricsAreOpen() {
    try (TestGateway gateway = TestGateway.start()) {
      assertThat(gateway.call(HttpMethod.GET, "/healthz", null, null, null).status())
          .isEqualTo(200);
      Response ready = gateway.call(HttpMethod.GET, "/readyz", null, null, null);
      assertThat(ready.status()).isEqualTo(200);
      assertThat(ready.json().getJsonObject("checks").getString("postgres")).isEqualTo("up");

      gateway.get("/api/v1/lanes/prod");
      Response metrics = gateway.call(HttpMethod.GET, "/metrics", null, null, null);
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.raw().toString())
          .contains("vertx_http_server_requests_total")
          .contains("route=\"/api/v1/lanes/:lane\"")
          .doesNotContain("route=\"/api/v1/>")
          .doesNotContain("route=\"/api/v1/lanes/prod\"");
    }
  }

  @Test
  void whileItsDatabaseIsAwayTheGatewayAnswers503AndRecoversWithoutARestart() {
    try (DedicatedPostgres pg = DedicatedPostgres.start()) {
      var database = pg.database();
      DbConfig db =
          DbConfig.local(database.host(), database.port(), database.name(), database.user(), 2);
      Migrations.migrate(db);
      try (TestGateway gateway = TestGateway.startOn(db, Map.of())) {
        assertThat(gateway.get("/api/v1/lanes").status()).isEqualTo(200);

        pg.pause();

        Response notReady = gateway.call(HttpMethod.GET, "/readyz", null, null, null);
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.header("Retry-After")).isEqualTo("5");
        assertThat(gateway.call(HttpMethod.GET, "/healthz", null, null, null).status())
            .isEqualTo(200);
        Response unavailable = gateway.get("/api/v1/lanes");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.code()).isEqualTo("database_unavailable");
        assertThat(unavailable.header("Retry-After")).isEqualTo("5");

        pg.resume();

        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(() -> assertThat(gateway.get("/api/v1/lanes").status()).isEqualTo(200));
        assertThat(gateway.call(HttpMethod.GET, "/readyz", null, null, null).status())
            .isEqualTo(200);
      }
    }
  }

  @Test
  void openApiDocumentIsServedWithoutAKey() {
    try (TestGateway gateway = TestGateway.start()) {
      Response doc = gateway.call(HttpMethod.GET, "/api/v1/openapi.yaml", null, null, null);
      assertThat(doc.status()).isEqualTo(200);
      assertThat(doc.header("Content-Type")).isEqualTo("application/yaml");
      assertThat(doc.raw().toString()).startsWith("openapi: 3.1.0");
    }
  }
}
