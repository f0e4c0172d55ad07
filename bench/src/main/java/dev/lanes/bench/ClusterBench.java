package dev.lanes.bench;

import dev.lanes.testkit.LocalKube;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The same releases on the sandbox and on the local control plane of real components
 * (bin/local-kube), one after the other in one run: {@code apps} apps in 5 lanes released at {@code
 * rate} per second, then
 *
 * <ul>
 *   <li>POST → the Deployment in the API server (an informer's ADD), p50 / p99;
 *   <li>POST → {@code deployed} (the release.status event's time in the outbox), p50 / p99;
 *   <li>the lane's EndpointSlice has a ready endpoint (an informer's event) → every one of {@code
 *       subscribers} SSE subscribers of {@code /v1/routes/stream} has that lane of that app, p99;
 *   <li>the RSS of each process: the platform's JVM (this one), and on the local control plane
 *       etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok and KwokKubelet.
 * </ul>
 *
 * Usage: {@code bench/cluster.sh [apps] [rate] [subscribers]} (defaults 200 25 20); {@code
 * bench/cluster.sh 1000 25 20} is 1,000 apps × 5 lanes.
 */
public final class ClusterBench {

  private static final String[] LANES = {"prod", "dev", "qa", "stage", "demo"};

  public static void main(String[] args) throws Exception {
    int apps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 25;
    int subscribers = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    List<String> report = new ArrayList<>();
    report.add(run("sandbox", apps, rate, subscribers));
    report.add(run("local control plane", apps, rate, subscribers));
    System.out.println();
    System.out.println(
        apps + " apps x 5 lanes, " + rate + " releases/s, " + subscribers + " SSE subscribers:");
    report.forEach(System.out::println);
    System.out.println("rerun: bench/cluster.sh " + apps + " " + rate + " " + subscribers);
  }

  private static String run(String cluster, int apps, int rate, int subscribers) throws Exception {
    boolean real = !cluster.equals("sandbox");
    Path dir = Files.createTempDirectory("lanes-cluster-bench");
    LocalKube kube = real ? LocalKube.start(dir.resolve("kube")) : null;
    Map<String, String> env =
        new HashMap<>(Map.of("SANDBOX_STEP_DELAY", "20ms", "LANES_ALLOW_LOCAL_GIT", "true"));
    if (kube != null) {
      env.putAll(kube.platformEnv());
    }
    try (BenchPlatform bench = new BenchPlatform(env, "FROM alpine\n");
        KubernetesClient client =
            real
                ? new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(Files.readString(kube.kubeconfig())))
                    .build()
                : null) {
      KubernetesClient k8s = real ? client : bench.sandbox.client();
      String tag =
          bench.post("/api/v1/apps/bench/builds?wait=60s", new JsonObject()).getString("tag");
      try (Connection db = bench.connect()) {
        ReleaseBench.apps(db, apps);
        try (Statement s = db.createStatement()) {
          for (String lane : LANES) {
            s.execute("insert into lanes (name) values ('" + lane + "') on conflict do nothing");
          }
        }
        ObjectArrivals deployments = ObjectArrivals.deployments(k8s, "prod");
        Map<String, Instant> ready = new ConcurrentHashMap<>();
        SharedIndexInformer<EndpointSlice> slices = readySlices(k8s, ready);
        List<Routes> subs = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
          subs.add(new Routes(bench.registryPort));
        }
        Map<String, Instant> posted =
            Paced.atRate(
                apps * LANES.length,
                rate,
                i ->
                    bench
                        .post(
                            "/api/v1/releases",
                            new JsonObject()
                                .put("app", "app-" + (i % apps))
                                .put("lane", LANES[i / apps])
                                .put("tag", tag))
                        .getString("id"));
        Map<String, Instant> deployed =
            StatusEvents.await(
                db, StatusEvents.RELEASE, "deployed", posted.keySet(), Duration.ofMinutes(15));
        // every subscriber has every lane, or the wait ends
        long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < until
            && subs.stream().anyMatch(r -> r.seen.size() < apps * LANES.length)) {
          Thread.sleep(200); // a benchmark's own pacing, not a test's wait
        }
        deployments.close();
        slices.close();
        subs.forEach(Routes::close);
        Map<String, Instant> everyone = new HashMap<>();
        for (String key : ready.keySet()) {
          Instant last = null;
          for (Routes r : subs) {
            Instant t = r.seen.get(key);
            if (t == null) {
              last = null;
              break;
            }
            last = last == null || t.isAfter(last) ? t : last;
          }
          if (last != null) {
            everyone.put(key, last);
          }
        }
        return String.format(
            "  %-20s POST -> Deployment %s%n  %-20s POST -> deployed   %s (%d of %d)%n"
                + "  %-20s slice ready -> all %d subscribers have the route %s (%d of %d)%n"
                + "  %-20s RSS %s",
            cluster,
            Latencies.between(posted, deployments.seen),
            "",
            Latencies.between(posted, deployed),
            deployed.size(),
            posted.size(),
            "",
            subscribers,
            Latencies.between(ready, everyone),
            everyone.size(),
            ready.size(),
            "",
            rss(kube));
      }
    } finally {
      if (kube != null) {
        kube.close();
      }
    }
  }

  /** When each lane Service's slice first had a ready endpoint, keyed app/lane. */
  private static SharedIndexInformer<EndpointSlice> readySlices(
      KubernetesClient k8s, Map<String, Instant> ready) {
    return k8s.discovery()
        .v1()
        .endpointSlices()
        .inNamespace("prod")
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(EndpointSlice s) {
                seen(s);
              }

              @Override
              public void onUpdate(EndpointSlice a, EndpointSlice s) {
                seen(s);
              }

              @Override
              public void onDelete(EndpointSlice s, boolean unknown) {}

              private void seen(EndpointSlice s) {
                String service = s.getMetadata().getLabels().get("kubernetes.io/service-name");
                if (service == null || !service.startsWith("app-") || s.getEndpoints() == null) {
                  return;
                }
                boolean anyReady =
                    s.getEndpoints().stream()
                        .anyMatch(
                            e ->
                                e.getConditions() != null
                                    && Boolean.TRUE.equals(e.getConditions().getReady()));
                int dash = service.lastIndexOf('-');
                // a lane's Service, {app}-{lane}; not prod's base Service {app}
                if (anyReady && dash > 0 && List.of(LANES).contains(service.substring(dash + 1))) {
                  ready.putIfAbsent(
                      service.substring(0, dash) + "/" + service.substring(dash + 1),
                      Instant.now());
                }
              }
            },
            0);
  }

  /** One SSE subscriber of /v1/routes/stream: when it first saw each app/lane. */
  private static final class Routes {
    final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final Thread reader;
    private volatile boolean closed;

    Routes(int registryPort) {
      reader =
          new Thread(
              () -> {
                try {
                  HttpResponse<java.io.InputStream> r =
                      HttpClient.newHttpClient()
                          .send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:" + registryPort + "/v1/routes/stream"))
                                  .header("Accept", "text/event-stream")
                                  .build(),
                              HttpResponse.BodyHandlers.ofInputStream());
                  try (BufferedReader in =
                      new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while (!closed && (line = in.readLine()) != null) {
                      if (line.startsWith("data:")) {
                        take(new JsonObject(line.substring(5).trim()), Instant.now());
                      }
                    }
                  }
                } catch (Exception e) {
                  if (!closed) {
                    System.err.println("a subscriber lost its stream: " + e);
                  }
                }
              });
      reader.setDaemon(true);
      reader.start();
    }

    private void take(JsonObject event, Instant t) {
      JsonObject services =
          event.containsKey("upserts")
              ? event.getJsonObject("upserts")
              : event.getJsonObject("services");
      if (services == null) {
        return;
      }
      for (String app : services.fieldNames()) {
        JsonArray lanes = services.getJsonObject(app).getJsonArray("lanes");
        if (lanes != null) {
          lanes.forEach(l -> seen.putIfAbsent(app + "/" + l, t));
        }
      }
    }

    void close() {
      closed = true;
      reader.interrupt();
    }
  }

  /** Resident memory of this JVM and of the control plane's processes, in MiB. */
  private static String rss(LocalKube kube) {
    Map<String, Long> out = new LinkedHashMap<>();
    out.put("platform JVM", rssOf(ProcessHandle.current().pid()));
    if (kube != null) {
      Stream<ProcessHandle> all = kube.process().descendants();
      all.forEach(
          p -> {
            String cmd = p.info().command().orElse("?");
            String name = cmd.substring(cmd.lastIndexOf('/') + 1);
            if (name.equals("java")) {
              name = "KwokKubelet";
            }
            if (!name.equals("bash") && !name.equals("sleep")) {
              out.merge(name, rssOf(p.pid()), Long::sum);
            }
          });
    }
    StringBuilder s = new StringBuilder();
    out.forEach((k, v) -> s.append(k).append(' ').append(v).append(" MiB, "));
    return s.length() > 2 ? s.substring(0, s.length() - 2) : "";
  }

  private static long rssOf(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (Exception e) {
      // gone meanwhile
    }
    return 0;
  }
}
