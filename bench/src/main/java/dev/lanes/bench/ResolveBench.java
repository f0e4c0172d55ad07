package dev.lanes.bench;

import dev.lanes.sdk.ResolveBenchmark;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ResolveBenchmark} with JMH and the {@code gc} profiler, then checks the goal: under
 * 100 ns per {@code resolve()} and no allocation ({@code gc.alloc.rate.norm} about 0 B/op).
 *
 * <p>Usage: {@code bench/resolve.sh} (1 fork, 3 warm-up and 5 measured iterations of 1 s), or
 * {@code bench/resolve.sh quick} (1 warm-up and 2 measured iterations) for a smoke test.
 */
public final class ResolveBench {

  private static final double GOAL_NS = 100;

  /** JMH's allocation figure is per operation, averaged: anything under this is zero. */
  private static final double ZERO_BYTES = 0.1;

  public static void main(String[] args) throws Exception {
    boolean quick = args.length > 0 && args[0].equals("quick");
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(ResolveBenchmark.class.getSimpleName())
            .forks(1)
            .warmupIterations(quick ? 1 : 3)
            .measurementIterations(quick ? 2 : 5)
            .warmupTime(TimeValue.seconds(1))
            .measurementTime(TimeValue.seconds(1))
            .addProfiler("gc");
    Collection<RunResult> results = new Runner(options.build()).run();

    System.out.println();
    System.out.printf(
        "machine: %d cores (Runtime.availableProcessors), %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"));
    System.out.println(
        "LaneRouter.resolve() on a table of 2,000 services (goal: < 100 ns, 0 B/op):");
    boolean ok = true;
    for (RunResult r : results) {
      String name = r.getParams().getBenchmark();
      name = name.substring(name.lastIndexOf('.') + 1);
      Result<?> time = r.getPrimaryResult();
      Result<?> alloc = r.getSecondaryResults().get("gc.alloc.rate.norm");
      double bytes = alloc == null ? Double.NaN : alloc.getScore();
      boolean pass = time.getScore() < GOAL_NS && bytes < ZERO_BYTES;
      ok &= pass;
      System.out.printf(
          Locale.ROOT,
          "  %-36s %6.1f %-8s %s   %.4f B/op   %s%n",
          name,
          time.getScore(),
          Double.isNaN(time.getScoreError())
              ? ""
              : String.format(Locale.ROOT, "± %.1f", time.getScoreError()),
          time.getScoreUnit(),
          bytes,
          pass ? "ok" : "MISSES THE GOAL");
    }
    System.out.println(ok ? "goal met" : "goal NOT met");
    System.out.println("rerun: bench/resolve.sh" + (quick ? " quick" : ""));
  }
}
