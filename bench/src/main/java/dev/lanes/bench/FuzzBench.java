package dev.lanes.bench;

import dev.lanes.testkit.fuzz.ApiFuzzer;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Sends bad requests to a running API and reports what it got wrong (bench/fuzz.sh starts the
 * platform for it). Arguments: port, admin key, count, seed. Exits 1 when anything was found.
 */
public final class FuzzBench {

  private FuzzBench() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String key = args[1];
    int count = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    String openapi;
    try (InputStream in = FuzzBench.class.getResourceAsStream("/openapi.yaml")) {
      openapi = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ApiFuzzer.Report report =
        ApiFuzzer.of(new ApiFuzzer.Settings("127.0.0.1", port, key, seed, count), openapi).run();
    report.serverErrors().forEach(f -> System.out.println("5xx: " + f));
    report.withoutProblem().forEach(f -> System.out.println("no problem document: " + f));
    report.accepted().forEach(f -> System.out.println("accepted: " + f));
    report.written().forEach(w -> System.out.println("written: " + w));
    System.out.println("rerun: bench/fuzz.sh " + count + " " + seed);
    System.out.println(report.summary());
    System.exit(report.clean() ? 0 : 1);
  }
}
