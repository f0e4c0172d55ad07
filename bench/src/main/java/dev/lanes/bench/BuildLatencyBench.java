package dev.lanes.bench;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
      Map<String, Long> jobSeen = new ConcurrentHashMap<>();
      var informer =
          bench
              .platform
              .sandbox()
              .client()
              .batch()
              .v1()
              .jobs()
              .inNamespace("paas-builds")
              .inform(
                  new ResourceEventHandler<Job>() {
                    @Override
                    public void onAdd(Job job) {
                      jobSeen.putIfAbsent(
                          job.getMetadata().getLabels().get("lanes.dev/build-id"),
                          System.nanoTime());
                    }

                    @Override
                    public void onUpdate(Job a, Job b) {}

                    @Override
                    public void onDelete(Job job, boolean unknown) {}
                  });
      // warm up the path once
      bench.post("/api/v1/apps/bench/builds", new JsonObject().put("force", true));
      Map<String, Long> requested = new ConcurrentHashMap<>();
      long begin = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (rate > 0) {
          long due = begin + i * 1_000_000_000L / rate;
          while (System.nanoTime() < due) {
            Thread.sleep(1);
          }
        }
        long t0 = System.nanoTime();
        String id =
            bench
                .post("/api/v1/apps/bench/builds", new JsonObject().put("force", true))
                .getString("id");
        requested.put(id, t0);
      }
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!jobSeen.keySet().containsAll(requested.keySet()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long all = System.nanoTime() - begin;
      List<Long> latencies = new ArrayList<>();
      requested.forEach(
          (id, t0) -> {
            Long seen = jobSeen.get(id);
            if (seen != null) {
              latencies.add(seen - t0);
            }
          });
      informer.close();
      System.out.println(
          "POST /apps/{app}/builds -> Job in the API server, "
              + n
              + " builds, "
              + (rate > 0 ? rate + " per second:" : "back to back:"));
      System.out.println("  " + BenchPlatform.percentiles(latencies));
      System.out.printf("  %.0f builds/s from the first POST to the last Job%n", n / (all / 1e9));
      System.out.println("  jobs missing after 120 s: " + (requested.size() - latencies.size()));
      System.out.println("rerun: bench/build-latency.sh " + n + " " + rate);
      System.out.flush();
      Thread.sleep(Long.parseLong(System.getenv().getOrDefault("BENCH_HOLD_SECONDS", "0")) * 1000);
    }
  }
}
