package dev.lanes.bench;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * How many queued builds the platform holds without its heap growing: one build runs for ever
 * (BUILD_CONCURRENCY=1), the rest queue up; the heap used after a full GC is read at each step and
 * again after a minute of the dispatcher and reconciler working on the full queue. Usage: {@code
 * bench/queued-heap.sh [builds]}.
 */
public final class QueuedBuildsHeapBench {

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    try (BenchPlatform bench =
        new BenchPlatform(
            java.util.Map.of("BUILD_CONCURRENCY", "1", "SANDBOX_STEP_DELAY", "50ms"),
            "FROM alpine\n# sandbox: sleep 60m\n")) {
      System.out.printf("%-10s %s%n", "queued", "heap used after GC");
      System.out.printf("%-10d %s%n", 0, heap(memory));
      int step = Math.max(1, n / 5);
      for (int done = 0; done < n; ) {
        for (int i = 0; i < step && done < n; i++, done++) {
          bench.post("/api/v1/apps/bench/builds", new JsonObject().put("force", true));
        }
        String last = lastId(bench);
        while (!"queued"
            .equals(
                bench
                    .get("/api/v1/apps/bench/builds/" + last)
                    .getJsonObject("data")
                    .getString("status"))) {
          Thread.sleep(100);
        }
        System.out.printf("%-10d %s%n", done, heap(memory));
      }
      Thread.sleep(65_000);
      System.out.printf(
          "%-10s %s  (after 65 s of dispatching and two reconciliations)%n", n, heap(memory));
      System.out.println("rerun: bench/queued-heap.sh " + n);
    }
  }

  private static String lastId(BenchPlatform bench) throws Exception {
    return bench
        .get("/api/v1/apps/bench/builds?limit=1")
        .getJsonArray("data")
        .getJsonObject(0)
        .getString("id");
  }

  private static String heap(MemoryMXBean memory) {
    System.gc();
    System.gc();
    return String.format("%.1f MiB", memory.getHeapMemoryUsage().getUsed() / 1048576.0);
  }
}
