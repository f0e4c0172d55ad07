package dev.lanes.bench;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Releases on the platform as make run starts it, into the sandbox.
 *
 * <ul>
 *   <li>{@code latency N RATE}: N apps released into lane dev at RATE per second; the time from
 *       each POST to its Deployment in the API server and to {@code deployed}.
 *   <li>{@code throughput N}: with 1,000 apps x 5 lanes (5,000 releases) in the database, N changes
 *       to releases sent by 8 clients at once; the releases per second the API accepts and the rate
 *       at which they reach {@code deployed}.
 * </ul>
 *
 * Usage: {@code bench/releases.sh latency 200 5}, {@code bench/releases.sh throughput 500}.
 */
public final class ReleaseBench {

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "latency";
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    try (BenchPlatform bench =
        new BenchPlatform(Map.of("SANDBOX_STEP_DELAY", "20ms"), "FROM alpine\n")) {
      String tag =
          bench.post("/api/v1/apps/bench/builds?wait=60s", new JsonObject()).getString("tag");
      bench.post("/api/v1/lanes", new JsonObject().put("name", "dev"));
      try (Connection db = bench.connect()) {
        if (mode.equals("latency")) {
          latency(bench, db, tag, n, rate);
        } else {
          throughput(bench, db, tag, n);
        }
      }
      System.out.println("rerun: bench/releases.sh " + String.join(" ", args));
    }
  }

  /** N apps of the bench's image repo, named app-0 ... */
  static void apps(Connection db, int n) throws Exception {
    try (PreparedStatement s =
        db.prepareStatement(
            "insert into apps (name, image_repo, port, replicas) values (?, 'bench', 8080, 1)")) {
      for (int i = 0; i < n; i++) {
        s.setString(1, "app-" + i);
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static void latency(BenchPlatform bench, Connection db, String tag, int n, int rate)
      throws Exception {
    apps(db, n);
    ObjectArrivals deployments = ObjectArrivals.deployments(bench.sandbox.client(), "prod");
    Map<String, Instant> posted =
        Paced.atRate(
            n,
            rate,
            i ->
                bench
                    .post(
                        "/api/v1/releases",
                        new JsonObject().put("app", "app-" + i).put("lane", "dev").put("tag", tag))
                    .getString("id"));
    Map<String, Instant> deployed =
        StatusEvents.await(
            db, StatusEvents.RELEASE, "deployed", posted.keySet(), Duration.ofSeconds(120));
    deployments.close();
    Latencies toDeployment = Latencies.between(posted, deployments.seen);
    Latencies toDeployed = Latencies.between(posted, deployed);
    System.out.println(n + " releases into lane dev, " + rate + " per second:");
    System.out.println("  POST -> Deployment in the API server: " + toDeployment);
    System.out.println("  POST -> deployed:                     " + toDeployed);
  }

  private static void throughput(BenchPlatform bench, Connection db, String tag, int n)
      throws Exception {
    int apps = 1000;
    String[] lanes = {"prod", "dev", "qa", "stage", "demo"};
    apps(db, apps);
    try (Statement s = db.createStatement()) {
      for (String lane : lanes) {
        s.execute("insert into lanes (name) values ('" + lane + "') on conflict do nothing");
      }
      s.execute(
          "insert into releases (id, app, lane, tag, image, replicas, revision, status, deployment, service)"
              + " select gen_random_uuid(), a.name, l.name, '"
              + tag
              + "', 'registry.local/bench:"
              + tag
              + "', 1, 1, 'deployed',"
              + " a.name || '-' || l.name, a.name || '-' || l.name from apps a cross join lanes l"
              + " where a.name like 'app-%' and l.name in ('prod', 'dev', 'qa', 'stage', 'demo')");
      try (ResultSet r = s.executeQuery("select count(*) from releases")) {
        r.next();
        System.out.println("releases in the database: " + r.getLong(1));
      }
    }
    Map<String, Instant> applied = new ConcurrentHashMap<>();
    var informer =
        bench
            .sandbox
            .client()
            .apps()
            .deployments()
            .inNamespace("prod")
            .inform(
                new ResourceEventHandler<Deployment>() {
                  @Override
                  public void onAdd(Deployment d) {
                    applied.putIfAbsent(d.getMetadata().getName(), Instant.now());
                  }

                  @Override
                  public void onUpdate(Deployment a, Deployment b) {}

                  @Override
                  public void onDelete(Deployment d, boolean unknown) {}
                });
    ExecutorService clients = Executors.newFixedThreadPool(8);
    Map<String, Instant> posted = new ConcurrentHashMap<>();
    long begin = System.nanoTime();
    List<Future<?>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      sent.add(
          clients.submit(
              () -> {
                Instant t0 = Instant.now();
                JsonObject r =
                    bench.post(
                        "/api/v1/releases",
                        new JsonObject()
                            .put("app", "app-" + (k % apps))
                            .put("lane", lanes[(k / apps) % lanes.length])
                            .put("envs", new JsonObject().put("N", Integer.toString(k))));
                posted.put(r.getString("id") + "@" + r.getInteger("revision"), t0);
                return null;
              }));
    }
    for (Future<?> f : sent) {
      f.get();
    }
    double accepted = n / ((System.nanoTime() - begin) / 1e9);
    clients.shutdown();
    Map<String, Instant> deployed =
        StatusEvents.await(
            db,
            StatusEvents.RELEASE,
            "deployed",
            posted.keySet().stream().map(k -> k.substring(0, k.indexOf('@'))).toList(),
            Duration.ofSeconds(300));
    informer.close();
    Instant first = posted.values().stream().min(Instant::compareTo).get();
    double toCluster =
        applied.values().stream()
            .max(Instant::compareTo)
            .map(last -> applied.size() / (java.time.Duration.between(first, last).toNanos() / 1e9))
            .orElse(0.0);
    double all =
        deployed.values().stream()
            .max(Instant::compareTo)
            .map(
                last ->
                    n
                        / (java.time.Duration.between(
                                    posted.values().stream().min(Instant::compareTo).get(), last)
                                .toNanos()
                            / 1e9))
            .orElse(0.0);
    System.out.printf(
        "%d changes to releases by 8 clients: accepted at %.0f releases/s;"
            + " Deployments in the API server at %.1f releases/s (%d);"
            + " all deployed at %.1f releases/s (%d of %d)%n",
        n, accepted, toCluster, applied.size(), all, deployed.size(), n);
  }
}
