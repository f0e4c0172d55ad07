package dev.lanes.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class FailedAuthenticationsTest {

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    Instant now = Instant.parse("2026-12-03T10:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  final TestClock clock = new TestClock();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FailedAuthentications failures = new FailedAuthentications(3, clock, registry);

  double counted(String outcome) {
    return registry.get("lanes.auth.failures").tag("outcome", outcome).counter().count();
  }

  @Test
  void failuresPastTheLimitAreRefusedUntilTheMinuteEnds() {
    for (int i = 0; i < 3; i++) {
      assertThat(failures.fail("10.0.0.1")).as("failure " + (i + 1)).isNull();
    }
    clock.now = clock.now.plusSeconds(20);

    assertThat(failures.fail("10.0.0.1")).isEqualTo(Duration.ofSeconds(40));
    assertThat(failures.fail("10.0.0.1")).isEqualTo(Duration.ofSeconds(40));
    assertThat(counted("unauthenticated")).isEqualTo(3);
    assertThat(counted("refused")).isEqualTo(2);

    clock.now = clock.now.plusSeconds(40);
    assertThat(failures.fail("10.0.0.1")).as("a new minute").isNull();
  }

  @Test
  void eachAddressHasItsOwnCount() {
    for (int i = 0; i < 4; i++) {
      failures.fail("10.0.0.1");
    }

    assertThat(failures.fail("10.0.0.2")).isNull();
    assertThat(failures.fail("10.0.0.1")).isNotNull();
  }
}
