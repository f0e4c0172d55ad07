package dev.lanes.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Percentiles of a sample of latencies, in milliseconds. */
record Latencies(double p50, double p90, double p99, double max, int n) {

  static Latencies of(List<Long> nanos) {
    List<Long> sorted = nanos.stream().sorted().toList();
    if (sorted.isEmpty()) {
      return new Latencies(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
    }
    return new Latencies(
        at(sorted, 0.50),
        at(sorted, 0.90),
        at(sorted, 0.99),
        sorted.get(sorted.size() - 1) / 1e6,
        sorted.size());
  }

  /**
   * From each id's time in {@code from} to its time in {@code to}; ids missing in {@code to} are
   * left out.
   */
  static Latencies between(Map<String, Instant> from, Map<String, Instant> to) {
    List<Long> nanos = new ArrayList<>();
    from.forEach(
        (id, t0) -> {
          Instant t1 = to.get(id);
          if (t1 != null) {
            nanos.add(Duration.between(t0, t1).toNanos());
          }
        });
    return of(nanos);
  }

  private static double at(List<Long> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i))) / 1e6;
  }

  /** {@code 13.0 / 20.7 / 52.2 / 86.4 ms}, as the tables of docs/benchmarks.md have them. */
  String row() {
    return String.format("%.1f / %.1f / %.1f / %.1f ms", p50, p90, p99, max);
  }

  @Override
  public String toString() {
    return String.format(
        "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (n=%d)", p50, p90, p99, max, n);
  }
}
