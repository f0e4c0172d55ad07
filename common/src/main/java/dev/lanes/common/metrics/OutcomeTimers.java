package dev.lanes.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * How long something took until it ended, by how it ended ({@code metric_seconds{outcome=...}}, a
 * Prometheus histogram), recorded by the process that made it end.
 */
public final class OutcomeTimers {

  private final MeterRegistry registry;
  private final String metric;
  private final String description;

  public OutcomeTimers(MeterRegistry registry, String metric, String description) {
    this.registry = registry;
    this.metric = metric;
    this.description = description;
  }

  public void record(String outcome, Duration took) {
    record(outcome, took, new String[0]);
  }

  /**
   * @param tags more labels, as name and value pairs, e.g. {@code "builder", "buildkit"}
   */
  public void record(String outcome, Duration took, String... tags) {
    Timer.builder(metric)
        .description(description)
        .tag("outcome", outcome)
        .tags(tags)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(100))
        .maximumExpectedValue(Duration.ofHours(1))
        .register(registry)
        .record(took.isNegative() ? Duration.ZERO : took);
  }
}
