package dev.lanes.bench;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Time from {@code POST /apps/{app}/builds/} to the build's Job existing in the API server (the
 * sandbox's mock server), over N builds: requested at a steady rate (the latency of the pipeline),
 * or back to back with rate 0 (latency under overload, and the throughput). Usage: {@code
 * bench/build-latency.sh [builds] [per-second]}.
 */
public final class BuildLatencyBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    // the kubelet waits a minute before it runs anything: this measures the pipeline, not the
    // simulation
    Map<String, String> env = Map.of("BUILD_CONCURRENCY", "256", "SANDBOX_STEP_DELAY", "60s");
    try (BenchPlatform bench = new BenchPlatform(env, "FROM alpine\n")) {
      ObjectArrivals jobs = ObjectArrivals.jobs(bench.sandbox.client(), "paas-builds");
      // warm up the path once
      bench.post("/api/v1/apps/bench/builds", new JsonObject().put("force", true));
      long begin = System.nanoTime();
      Map<String, Instant> requested =
          Paced.atRate(
              n,
              rate,
              i ->
                  bench
                      .post("/api/v1/apps/bench/builds", new JsonObject().put("force", true))
                      .getString("id"));
      jobs.awaitAll(requested.keySet(), Duration.ofSeconds(120));
      long all = System.nanoTime() - begin;
      Latencies latencies = Latencies.between(requested, jobs.seen);
      jobs.close();
      System.out.println(
          "POST /apps/{app}/builds -> Job in the API server, "
              + n
              + " builds, "
              + (rate > 0 ? rate + " per second:" : "back to back:"));
      System.out.println("  " + latencies);
      System.out.printf("  %.0f builds/s from the first POST to the last Job%n", n / (all / 1e9));
      System.out.println("  jobs missing after 120 s: " + (requested.size() - latencies.n()));
      System.out.println("rerun: bench/build-latency.sh " + n + " " + rate);
      System.out.flush();
      Thread.sleep(Long.parseLong(System.getenv().getOrDefault("BENCH_HOLD_SECONDS", "0")) * 1000);
    }
  }
}
