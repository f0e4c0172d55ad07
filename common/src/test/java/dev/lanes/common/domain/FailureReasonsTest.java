package dev.lanes.common.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.json.Json;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FailureReasonsTest {

  private static Stream<String> codes() {
    return Stream.concat(
        Arrays.stream(BuildReason.values()).map(BuildReason::code),
        Arrays.stream(ReleaseReason.values()).map(ReleaseReason::code));
  }

  @Test
  void everyCodeIsSnakeCaseAsTheDatabaseChecksIt() {
    // the same pattern as the check constraints of V7__failure_reasons.sql
    assertThat(codes()).allMatch(c -> c.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"));
    assertThat(BuildReason.REF_NOT_FOUND.code()).isEqualTo("ref_not_found");
    assertThat(ReleaseReason.CRASH_LOOP.code()).isEqualTo("crash_loop");
  }

  @Test
  void aReasonIsWrittenAndReadAsItsCode() throws Exception {
    assertThat(Json.writeString(BuildReason.DOCKERFILE_MISSING))
        .isEqualTo("\"dockerfile_missing\"");
    assertThat(Json.MAPPER.readValue("\"image_pull_failed\"", ReleaseReason.class))
        .isEqualTo(ReleaseReason.IMAGE_PULL_FAILED);
  }

  @Test
  void aCodeFromANewerVersionReadsAsUnknown() {
    assertThat(BuildReason.of("cosmic_ray")).isEqualTo(BuildReason.UNKNOWN);
    assertThat(ReleaseReason.of("cosmic_ray")).isEqualTo(ReleaseReason.UNKNOWN);
    assertThat(BuildReason.of(null)).isNull();
  }
}
