package dev.lanes.sdk;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LaneRouter#resolve} on a table of 2,000 services: it must take under 100 ns and allocate
 * nothing (run with the {@code gc} profiler: {@code gc.alloc.rate.norm} is the bytes per call).
 *
 * <p>It lives in package {@code dev.lanes.sdk}, in the bench module, because it hands the table in
 * directly with the package-private {@link LaneRouter#install}, as the SDK's own tests do: no
 * registry, no stream, only the lookup. The router's background thread long-polls an address where
 * nothing listens, with a backoff of a minute, so it stays out of the way.
 *
 * <p>Names rotate over pre-built arrays (sizes powers of two, so the index is a mask), so that the
 * JIT cannot fold the lookup into a constant. Run by {@link dev.lanes.bench.ResolveBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ResolveBenchmark {

  static final int SERVICES = 2000;

  private LaneRouter router;

  /** Services whose table entry lists dev (every fourth), cycled to 512 entries. */
  private String[] withDev;

  /** All 2,000 services, cycled to 2,048 entries. */
  private String[] all;

  /** Services the table does not know (the fallback cache), 1,024 of them. */
  private String[] unknown;

  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    router =
        new LaneRouter(
            URI.create("http://127.0.0.1:1"),
            LaneRouterOptions.defaults(8080)
                .withStream(false)
                .withBackoff(Duration.ofSeconds(60), Duration.ofSeconds(60)));
    StringBuilder json = new StringBuilder("{\"services\": {");
    for (int s = 0; s < SERVICES; s++) {
      if (s > 0) {
        json.append(", ");
      }
      json.append("\"svc-")
          .append(s)
          .append("\": {\"lanes\": ")
          .append(s % 4 == 0 ? "[\"dev\", \"prod\"]" : "[\"prod\"]")
          .append(", \"port\": 8080}");
    }
    json.append("}, \"version\": 1, \"updated_at\": \"2026-11-25T10:40:00.000Z\"}");
    TableUpdate update = TableUpdate.apply(null, "snapshot", json.toString());
    if (update.outcome() != TableUpdate.Outcome.APPLIED
        || update.table().routes().size() != SERVICES) {
      throw new IllegalStateException("the benchmark's table did not apply: " + update);
    }
    router.install(update.table());

    withDev = new String[512];
    for (int n = 0; n < withDev.length; n++) {
      withDev[n] = "svc-" + ((n * 4) % SERVICES);
    }
    all = new String[2048];
    for (int n = 0; n < all.length; n++) {
      all[n] = "svc-" + (n % SERVICES);
    }
    unknown = new String[1024];
    for (int n = 0; n < unknown.length; n++) {
      unknown[n] = "ghost-" + n;
    }
    // the answers the benchmarks rely on, checked once
    check(router.resolve("svc-4", "dev"), "svc-4-dev:8080");
    check(router.resolve("svc-5", "dev"), "svc-5:8080");
    check(router.resolve("svc-4", "qa"), "svc-4:8080");
    check(router.resolve("svc-4"), "svc-4:8080");
    check(router.resolve("ghost-1", "dev"), "ghost-1:8080");
  }

  private static void check(String actual, String expected) {
    if (!expected.equals(actual)) {
      throw new IllegalStateException("expected " + expected + ", got " + actual);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    router.close();
  }

  /** A lane the table lists for the service: {@code svc-N-dev:8080}. */
  @Benchmark
  public String laneListed() {
    return router.resolve(withDev[i++ & 511], "dev");
  }

  /** A lane the table does not list for the service: falls back to {@code svc-N:8080}. */
  @Benchmark
  public String laneNotListedFallsBackToProd() {
    return router.resolve(all[i++ & 2047], "qa");
  }

  /**
   * No lane argument and no request lane: the common path, which reads {@link Lanes#current()} (a
   * thread-local, and Vert.x's current context as Vert.x is on the class path).
   */
  @Benchmark
  public String noLaneReadsTheContext() {
    return router.resolve(all[i++ & 2047]);
  }

  /** A service the table does not know: {@code ghost-N:8080} from the fallback cache. */
  @Benchmark
  public String unknownServiceFromTheFallbackCache() {
    return router.resolve(unknown[i++ & 1023], "dev");
  }
}
