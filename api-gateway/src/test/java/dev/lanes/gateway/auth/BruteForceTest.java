package dev.lanes.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.http.HttpMethod;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Guessing keys from one address is slowed down; the right key still works from there. */
class BruteForceTest {

  static final String WRONG = "lanes_aaaaaaaaaaaa_" + "b".repeat(32);

  @Test
  void pastTheLimitFailuresAre429WhileAValidKeyStillPasses() {
    try (TestGateway gateway = TestGateway.start(Map.of("AUTH_FAILURE_LIMIT", "3"))) {
      for (int i = 0; i < 3; i++) {
        Response r = gateway.call(HttpMethod.GET, "/api/v1/apps", WRONG, null, null);
        assertThat(r.status()).as("failure " + (i + 1)).isEqualTo(401);
      }

      Response refused = gateway.call(HttpMethod.GET, "/api/v1/apps", WRONG, null, null);
      Response noKey = gateway.call(HttpMethod.GET, "/api/v1/apps", null, null, null);
      Response valid = gateway.get("/api/v1/apps");

      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.code()).isEqualTo("too_many_attempts");
      assertThat(Integer.parseInt(refused.header("Retry-After"))).isBetween(1, 60);
      assertThat(refused.raw().toString()).doesNotContain(WRONG);
      assertThat(noKey.status()).as("a missing key is a failure too").isEqualTo(429);
      assertThat(valid.status()).as("the right key is never refused").isEqualTo(200);
      String metrics = gateway.call(HttpMethod.GET, "/metrics", null, null, null).raw().toString();
      assertThat(metrics)
          .contains("lanes_auth_failures_total{outcome=\"refused\"} 2.0")
          .contains("lanes_auth_failures_total{outcome=\"unauthenticated\"} 3.0");
    }
  }
}
