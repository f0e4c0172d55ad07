package dev.lanes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutcomeTest {

  @Test
  void aFailureShowsItsReasonCodeBeforeItsMessage() throws Exception {
    var build =
        ApiClient.JSON.readTree(
            "{\"status\":\"failed\",\"reason\":\"ref_not_found\",\"message\":\"ref 'v9' not"
                + " found\"}");

    assertThat(Outcome.of(build)).isEqualTo("failed (ref_not_found): ref 'v9' not found");
  }

  @Test
  void whatThePlatformDoesNotGiveIsLeftOut() throws Exception {
    assertThat(Outcome.of(ApiClient.JSON.readTree("{\"status\":\"failed\",\"message\":\"x\"}")))
        .isEqualTo("failed: x");
    assertThat(Outcome.of(ApiClient.JSON.readTree("{\"status\":\"cancelled\",\"reason\":null}")))
        .isEqualTo("cancelled");
  }
}
