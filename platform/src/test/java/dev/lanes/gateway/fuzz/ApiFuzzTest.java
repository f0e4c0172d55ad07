package dev.lanes.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.testkit.fuzz.ApiFuzzer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A few hundred of bench/fuzz.sh's bad requests, on the gateway with the owners of what it records:
 * no 5xx, every 4xx a problem document, no bad request accepted, nothing written. The seed is fixed
 * so a failure replays: {@code bench/fuzz.sh 300 14}.
 */
class ApiFuzzTest {

  static final long SEED = 14;
  static final int REQUESTS = 300;

  @Test
  void badRequestsGetProblemDocumentsAndWriteNothing() throws Exception {
    // the fuzzer sends bad keys too: the limit on failed authentications would answer them 429
    try (TestGateway gateway =
        TestGateway.start(Map.of("AUTH_FAILURE_LIMIT", "1000000"), new IntakeOwners())) {
      String openapi;
      try (InputStream in = ApiFuzzTest.class.getResourceAsStream("/openapi.yaml")) {
        openapi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      ApiFuzzer.Report report =
          ApiFuzzer.of(
                  new ApiFuzzer.Settings(
                      "127.0.0.1", gateway.port(), TestGateway.ADMIN_KEY, SEED, REQUESTS),
                  openapi)
              .run();

      assertThat(report.serverErrors()).as(report.summary()).isEmpty();
      assertThat(report.withoutProblem()).as(report.summary()).isEmpty();
      assertThat(report.accepted()).as(report.summary()).isEmpty();
      assertThat(report.written()).as(report.summary()).isEmpty();
    }
  }
}
