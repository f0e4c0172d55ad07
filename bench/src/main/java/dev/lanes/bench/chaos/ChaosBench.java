package dev.lanes.bench.chaos;

import dev.lanes.bench.chaos.Api.Answer;
import dev.lanes.bench.chaos.Command.Outcome;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Issue 14, item 7: the distributed platform under fire. Starts every process of {@code
 * bin/run-distributed}, sends {@code commands} commands from {@link #CLIENTS} clients while {@link
 * Havoc} SIGKILLs a random service {@code kills} times (starting each again) and stops PostgreSQL
 * and Kafka for 30 s each, lets the platform settle, then checks {@link Invariants} and {@link
 * EventOrder}. Its last line: {@code chaos: N commands, K kills, lost L, doubled D, stuck S}.
 *
 * <p>Usage: {@code bench/chaos.sh [commands 500] [kills 20] [seed]}.
 */
public final class ChaosBench {

  static final int CLIENTS = 8;
  private static final Duration SETTLE = Duration.ofMinutes(10);
  private static final String EVENT_TYPES =
      "'dev.lanes.build.status', 'dev.lanes.release.status', 'dev.lanes.release.deleted',"
          + " 'dev.lanes.lane.created', 'dev.lanes.lane.deleting', 'dev.lanes.lane.deleted'";

  private ChaosBench() {}

  public static void main(String[] args) throws Exception {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    int commands = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int kills = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    Path dir = Path.of(System.getenv().getOrDefault("LANES_DATA_DIR", "/tmp/lanes-chaos"));
    String jar =
        System.getenv().getOrDefault("LANES_PLATFORM_JAR", "platform/target/lanes-platform.jar");
    System.out.printf(
        "chaos: %d commands from %d clients, %d kills, seed %d, state and logs in %s%n",
        commands, CLIENTS, kills, seed, dir);
    long begin = System.nanoTime();
    int exit = 2;
    try (DistributedLanes lanes =
        new DistributedLanes(dir, jar, Map.of("SANDBOX_STEP_DELAY", "100ms"))) {
      lanes.start();
      exit = run(lanes, dir, commands, kills, seed);
    } catch (Exception e) {
      System.out.println("chaos: aborted: " + e);
      e.printStackTrace();
    }
    System.out.printf("chaos: whole run %d s%n", (System.nanoTime() - begin) / 1_000_000_000L);
    System.exit(exit);
  }

  private static int run(DistributedLanes lanes, Path dir, int commands, int kills, long seed)
      throws Exception {
    Api api = new Api(lanes.apiPort, lanes.key);
    String tag = setUp(api, dir.resolve("repo"), commands);
    AnswerCounts counts = new AnswerCounts();
    Havoc.Report havoc;
    List<Command> sent = new ArrayList<>();
    try (KubernetesClient kube = kube(lanes.kubeconfig);
        Creations creations = new Creations(kube)) {
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
      Pacer pacer = new Pacer(commands, Havoc.expected(kills));
      List<Future<List<Command>>> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        clients.add(pool.submit(new ChaosClient(c, api, pacer, tag, counts)));
      }
      Future<Havoc.Report> trouble = pool.submit(new Havoc(lanes, api, kills, seed));
      for (Future<List<Command>> c : clients) {
        sent.addAll(c.get());
      }
      System.out.println("chaos: every command sent; answers " + counts);
      havoc = trouble.get();
      pool.shutdownNow();
      System.out.println("chaos: settling...");
      // connected only now: a connection made before PostgreSQL's outage is gone
      try (Connection db = DriverManager.getConnection(lanes.jdbcUrl(), "postgres", "")) {
        return check(lanes, sent, counts, havoc, creations, db);
      }
    }
  }

  private static int check(
      DistributedLanes lanes,
      List<Command> sent,
      AnswerCounts counts,
      Havoc.Report havoc,
      Creations creations,
      Connection db)
      throws Exception {
    Invariants invariants = new Invariants(db);
    List<String> open = invariants.awaitSettled(SETTLE);
    Invariants.Figures f = invariants.check(sent, open, creations);
    EventOrder.Result events =
        EventOrder.read(lanes.apiPort, lanes.key, lastSeq(db), Duration.ofMinutes(2));
    List<String> exits = lanes.supervisor.unexpectedExits();
    return report(sent, counts, havoc, f, events, exits, db);
  }

  private static int report(
      List<Command> sent,
      AnswerCounts counts,
      Havoc.Report havoc,
      Invariants.Figures f,
      EventOrder.Result events,
      List<String> exits,
      Connection db)
      throws Exception {
    long unanswered =
        sent.stream().filter(c -> c.outcome == Outcome.CARRIED_OUT_UNANSWERED).count();
    long refused = sent.stream().filter(c -> c.outcome == Outcome.REFUSED).count();
    long resent = sent.stream().mapToInt(c -> c.attempts - 1).sum();
    f.details().stream().limit(50).forEach(d -> System.out.println("  " + d));
    sent.stream()
        .filter(c -> c.outcome == Outcome.REFUSED)
        .limit(20)
        .forEach(c -> System.out.println("  refused: " + c + " " + c.refusal));
    havoc.violations().forEach(v -> System.out.println("  outage: " + v));
    exits.forEach(e -> System.out.println("  unexpected exit: " + e));
    events.disorder().stream().limit(20).forEach(d -> System.out.println("  events: " + d));
    System.out.printf(
        "chaos: killed %s%n"
            + "chaos: %d carried out (%d of them without a 2xx answer, found by looking), %d"
            + " refused, %d sent again; %d bad answers (5xx other than 503, 503 without"
            + " Retry-After)%n"
            + "chaos: outages: %d writes probed, %d not 503 with Retry-After; %d processes exited"
            + " unasked%n"
            + "chaos: events: %d of %d apps and lanes read, %d out of order; %s%n",
        havoc.kills(),
        sent.size() - refused,
        unanswered,
        refused,
        resent,
        counts.bad(),
        havoc.probes(),
        havoc.violations().size(),
        exits.size(),
        events.events(),
        events.apps(),
        events.disorder().size(),
        failures(db));
    System.out.printf(
        "chaos: %d commands, %d kills, lost %d, doubled %d, stuck %d%n",
        sent.size(), havoc.kills().size(), f.lost(), f.doubled(), f.stuck());
    boolean clean =
        f.lost() + f.doubled() + f.stuck() == 0
            && refused == 0
            && counts.bad() == 0
            && havoc.violations().isEmpty()
            && exits.isEmpty()
            && events.disorder().isEmpty();
    return clean ? 0 : 1;
  }

  /** The image repo (a local git repository with a branch per command) and one app per client. */
  private static String setUp(Api api, Path repo, int commands) throws Exception {
    gitRepo(repo, commands);
    must(
        api,
        "/image-repos",
        new JsonObject()
            .put("name", "chaos")
            .put("registry", "registry.local/chaos")
            .put("git_repo", "file://" + repo));
    for (int c = 0; c < CLIENTS; c++) {
      must(
          api,
          "/apps",
          new JsonObject()
              .put("name", ChaosClient.app(c))
              .put("image_repo", "chaos")
              .put("port", 8080));
    }
    JsonObject build = must(api, "/apps/chaos-0/builds?wait=120s", new JsonObject());
    if (!"succeeded".equals(build.getString("status"))) {
      throw new IllegalStateException("the first build did not succeed: " + build.encode());
    }
    return build.getString("tag");
  }

  private static void gitRepo(Path repo, int commands) throws Exception {
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), "FROM alpine\n");
      git.add().addFilepattern(".").call();
      RevCommit commit =
          git.commit()
              .setMessage("chaos")
              .setAuthor("c", "c@e.com")
              .setCommitter("c", "c@e.com")
              .call();
      for (int n = 0; n < commands; n++) {
        git.branchCreate().setName("cmd-" + n).setStartPoint(commit).call();
      }
    }
  }

  /** Setting up: nothing is killed yet, but the services may still be joining their groups. */
  private static JsonObject must(Api api, String path, JsonObject body) throws Exception {
    for (int attempt = 1; ; attempt++) {
      Answer a = api.post(path, body);
      if (a.accepted()) {
        return a.data();
      }
      if (a.status() != 503 || attempt == 30) {
        throw new IllegalStateException(path + " answered " + a.status() + ": " + a.body());
      }
      Thread.sleep(2000);
    }
  }

  private static KubernetesClient kube(Path kubeconfig) throws IOException {
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
        .build();
  }

  private static long lastSeq(Connection db) throws Exception {
    try (var s = db.createStatement();
        ResultSet r =
            s.executeQuery(
                "select coalesce(max(seq), 0) from outbox where event_type in ("
                    + EVENT_TYPES
                    + ")")) {
      r.next();
      return r.getLong(1);
    }
  }

  private static String failures(Connection db) throws Exception {
    try (var s = db.createStatement();
        ResultSet r =
            s.executeQuery(
                "select (select count(*) from builds where status = 'failed'),"
                    + " (select count(*) from releases where status = 'failed'),"
                    + " (select count(*) from dead_letters)")) {
      r.next();
      return r.getLong(1)
          + " builds and "
          + r.getLong(2)
          + " releases failed, "
          + r.getLong(3)
          + " dead letters";
    }
  }
}
