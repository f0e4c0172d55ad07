package dev.lanes.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many rows of a table are in each status, as one gauge per status ({@code
 * metric{status=...}}), set by the table's owner from a count it reads from PostgreSQL. Every
 * replica of the owner reports the same counts: aggregate them across replicas with {@code max},
 * not {@code sum}.
 */
public final class StatusGauges {

  private final Map<String, AtomicLong> values = new LinkedHashMap<>();

  public StatusGauges(
      MeterRegistry registry, String metric, String description, List<String> statuses) {
    for (String status : statuses) {
      AtomicLong value = new AtomicLong();
      values.put(status, value);
      Gauge.builder(metric, value, AtomicLong::get)
          .description(description)
          .tag("status", status)
          .register(registry);
    }
  }

  /** The statuses of an enum as the database and the gauges spell them: lower case. */
  public static List<String> names(Enum<?>[] statuses) {
    return java.util.Arrays.stream(statuses)
        .map(s -> s.name().toLowerCase(java.util.Locale.ROOT))
        .toList();
  }

  /** Sets every status to its count; a status absent from {@code counts} has none. */
  public void update(Map<String, Long> counts) {
    values.forEach((status, value) -> value.set(counts.getOrDefault(status, 0L)));
  }

  /** The count last set for {@code status}. */
  public long get(String status) {
    AtomicLong value = values.get(status);
    return value == null ? 0 : value.get();
  }
}
