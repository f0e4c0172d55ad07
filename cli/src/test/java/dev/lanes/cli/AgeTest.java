package dev.lanes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AgeTest {

  @Test
  void precisionDropsAsTheTimeGrowsAsKubectlShowsIt() {
    assertThat(Age.human(Duration.ofSeconds(45))).isEqualTo("45s");
    assertThat(Age.human(Duration.ofSeconds(119))).isEqualTo("119s");
    assertThat(Age.human(Duration.ofSeconds(330))).isEqualTo("5m30s");
    assertThat(Age.human(Duration.ofMinutes(59))).isEqualTo("59m");
    assertThat(Age.human(Duration.ofMinutes(200))).isEqualTo("3h20m");
    assertThat(Age.human(Duration.ofHours(30))).isEqualTo("30h");
    assertThat(Age.human(Duration.ofHours(71))).isEqualTo("2d23h");
    assertThat(Age.human(Duration.ofDays(89))).isEqualTo("89d");
  }

  @Test
  void aTimestampInThePastHasExpiredAndNoneShowsNothing() {
    Instant now = Instant.parse("2025-01-01T12:00:00Z");
    assertThat(Age.until(new TextNode("2025-01-01T11:00:00Z"), now)).isEqualTo("expired");
    assertThat(Age.until(new TextNode("2025-01-01T13:00:00.5Z"), now)).isEqualTo("60m");
    assertThat(Age.since(null, now)).isEmpty();
  }
}
