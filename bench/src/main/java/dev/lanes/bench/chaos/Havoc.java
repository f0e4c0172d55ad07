package dev.lanes.bench.chaos;

import static org.awaitility.Awaitility.await;

import dev.lanes.bench.chaos.Api.Answer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * What goes wrong during a chaos run, one thing at a time: {@code kills} SIGKILLs of a random
 * service (the gateway or a worker), each started again at once, with PostgreSQL stopped for {@link
 * #OUTAGE} after the first third of them and the Kafka broker after the second. While either is
 * away it asks the API for a write every second and notes every answer that is not 503 with {@code
 * Retry-After}, and every service process that is no longer running.
 */
final class Havoc implements Callable<Havoc.Report> {

  static final Duration OUTAGE = Duration.ofSeconds(30);
  private static final Duration RECOVERY = Duration.ofMinutes(3);

  /** What was done, and what went against the rules during the outages. */
  record Report(List<String> kills, List<String> violations, int probes) {}

  private final DistributedLanes lanes;
  private final Api api;
  private final int kills;
  private final Random random;
  private final List<String> killed = new ArrayList<>();
  private final List<String> round = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private int probes;

  Havoc(DistributedLanes lanes, Api api, int kills, long seed) {
    this.lanes = lanes;
    this.api = api;
    this.kills = kills;
    this.random = new Random(seed);
  }

  /** About how long a run takes: a kill and restart, or an outage and its recovery. */
  static Duration expected(int kills) {
    return Duration.ofSeconds(12L * kills + 2 * (OUTAGE.toSeconds() + 20));
  }

  @Override
  public Report call() throws Exception {
    int third = kills / 3;
    killSome(third);
    outage(DistributedLanes.POSTGRES);
    killSome(third);
    outage(DistributedLanes.KAFKA);
    killSome(kills - killed.size());
    return new Report(killed, violations, probes);
  }

  private void killSome(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      pause();
      String victim = nextVictim();
      lanes.supervisor.kill(victim);
      killed.add(victim);
      System.out.printf("chaos: kill %d of %d: %s%n", killed.size(), kills, victim);
      restart(victim);
    }
  }

  /**
   * The services in shuffled rounds, each once per round: random, and yet every one (the gateway
   * too) is killed once there are as many kills as services. Drawing each kill independently left
   * the gateway out of all 20 kills of a run.
   */
  private String nextVictim() {
    if (round.isEmpty()) {
      round.addAll(DistributedLanes.SERVICES);
      java.util.Collections.shuffle(round, random);
    }
    return round.remove(0);
  }

  // 2 to 6 s between troubles, so commands are in flight at every one
  private void pause() throws InterruptedException {
    Thread.sleep(2000 + random.nextInt(4000));
  }

  private void outage(String name) throws Exception {
    pause();
    System.out.printf("chaos: %s stopped for %d s%n", name, OUTAGE.toSeconds());
    lanes.supervisor.stop(name);
    long end = System.nanoTime() + OUTAGE.toNanos();
    for (int i = 0; System.nanoTime() < end; i++) {
      probe(name, i);
      checkRunning(name);
      Thread.sleep(1000);
    }
    restart(name);
    System.out.printf("chaos: %s back%n", name);
    awaitRecovery(name);
  }

  /**
   * Starts {@code name} again, as a Kubernetes restart policy would, until it starts: a process
   * that ends while starting is noted (as an exit nobody asked for) and started once more.
   */
  private void restart(String name) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        lanes.supervisor.restart(name);
        return;
      } catch (IllegalStateException e) {
        violations.add(name + " did not start (attempt " + attempt + "): " + e.getMessage());
        if (attempt == 5) {
          throw e;
        }
      }
    }
  }

  /** A write while {@code name} is away: it must be 503 with Retry-After. */
  private void probe(String name, int i) throws InterruptedException {
    probes++;
    try {
      Answer a = api.post("/lanes", new JsonObject().put("name", "probe-" + name + "-" + i));
      if (a.status() != 503 || a.retryAfter() == null) {
        violations.add(
            "POST /lanes with "
                + name
                + " away answered "
                + a.status()
                + " Retry-After "
                + a.retryAfter()
                + ": "
                + a.body().encode());
      }
    } catch (IOException e) {
      violations.add("POST /lanes with " + name + " away: no answer: " + e);
    }
  }

  private void checkRunning(String name) {
    for (String service : DistributedLanes.SERVICES) {
      if (!lanes.supervisor.alive(service)) {
        violations.add(service + " is not running while " + name + " is away");
      }
    }
  }

  /** Every service ready again: they reconnected by themselves. */
  private void awaitRecovery(String name) {
    try {
      await(name + " recovery")
          .atMost(RECOVERY)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> DistributedLanes.SERVICES.stream().allMatch(lanes.supervisor::ready));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      violations.add("not every service ready " + RECOVERY + " after " + name + " came back");
    }
  }
}
