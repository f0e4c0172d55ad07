package dev.lanes.platform;

import dev.lanes.builds.app.BuildServiceVerticle;
import dev.lanes.common.config.ConfigException;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.common.k8s.KubeClients;
import dev.lanes.common.k8s.KubeConfig;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.DeadLetters;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.PgDeadLetters;
import dev.lanes.common.messaging.RetryPolicy;
import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import dev.lanes.common.metrics.LanesVertx;
import dev.lanes.common.outbox.OutboxRelay;
import dev.lanes.common.outbox.OutboxRelayVerticle;
import dev.lanes.common.worker.WorkerDeps;
import dev.lanes.gateway.app.Gateway;
import dev.lanes.gateway.app.GatewayConfig;
import dev.lanes.registry.app.RegistryServiceVerticle;
import dev.lanes.releases.app.ReleaseServiceVerticle;
import dev.lanes.sandbox.SandboxCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Every Lanes service in one JVM on embedded defaults: what {@code make run} starts. With {@code
 * DATABASE_URL} unset it runs an embedded PostgreSQL in {@code LANES_DATA_DIR}; with no {@code
 * KUBECONFIG} and outside a pod it runs the sandbox cluster. It stops everything, Postgres last, on
 * Ctrl-C.
 */
public final class LanesPlatform implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LanesPlatform.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  private final PlatformConfig config;
  private final Resources resources;
  private final Gateway.Started gateway;
  private final int registryPort;
  private final Duration startup;

  /** What was started, so that it can all be stopped again, in reverse order. */
  private static final class Resources implements AutoCloseable {
    EmbeddedDatabase database;
    SandboxCluster sandbox;
    Path kubeconfig;
    LanesVertx.Instance vertx;
    KubernetesClient kube;

    /** Each service's own client, where it has its own kubeconfig; else {@link #kube}. */
    final java.util.Map<String, KubernetesClient> serviceKubes = new java.util.HashMap<>();

    KubernetesClient kubeOf(String service) {
      return serviceKubes.getOrDefault(service, kube);
    }

    /** One step of stopping; a failed step does not keep the next ones from running. */
    private interface Step {
      void run() throws Exception;
    }

    @Override
    public void close() {
      List<Step> steps = new ArrayList<>();
      if (vertx != null) {
        steps.add(() -> vertx.vertx().close().await(30, TimeUnit.SECONDS));
      }
      serviceKubes.values().forEach(client -> steps.add(client::close));
      if (kube != null) {
        steps.add(kube::close);
      }
      if (sandbox != null) {
        steps.add(sandbox::close);
      }
      if (database != null) {
        steps.add(database::close);
      }
      for (Step step : steps) {
        try {
          step.run();
        } catch (Exception e) {
          LOG.warn("stopping: {}", e.toString());
        }
      }
    }
  }

  private LanesPlatform(
      PlatformConfig config,
      Resources resources,
      Gateway.Started gateway,
      int registryPort,
      Duration startup) {
    this.config = config;
    this.resources = resources;
    this.gateway = gateway;
    this.registryPort = registryPort;
    this.startup = startup;
  }

  public static void main(String[] args) {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    PlatformConfig config;
    try {
      config = PlatformConfig.from(System.getenv());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    LanesPlatform platform;
    try {
      platform = start(config);
    } catch (Exception | Error e) {
      // an Error too: Vert.x threads would keep a JVM whose main thread died alive
      LOG.error("Lanes could not start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  platform.close();
                  System.out.println("Lanes stopped.");
                },
                "lanes-shutdown"));
    stopOnInterrupt();
    platform.printBanner(System.out);
  }

  /**
   * Ctrl-C is how a user stops {@code make run}: a clean stop (the shutdown hook runs as for any
   * exit) that ends with status 0, not the 130 of a process killed by SIGINT, which make reports as
   * {@code Error 130}.
   */
  @SuppressWarnings("restriction")
  private static void stopOnInterrupt() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> System.exit(0));
    } catch (IllegalArgumentException e) {
      // no SIGINT here (some embedded JVMs): the JVM's own handling stays
    }
  }

  /** Starts every service; blocking. Whatever started is stopped again if a later step fails. */
  public static LanesPlatform start(PlatformConfig config) throws Exception {
    long begin = System.nanoTime();
    Resources r = new Resources();
    try {
      DbConfig db = database(config, r);
      Migrations.migrate(db);
      r.vertx = LanesVertx.create();
      Vertx vertx = r.vertx.vertx();
      boolean sandbox = cluster(config, r);
      boolean localGit = config.localGitAllowed(sandbox);
      GatewayConfig gatewayConfig = withSecretKey(config).withAllowLocalGit(localGit);
      // given-up commands: the table dead_letters and lanes_dead_letters_total on /metrics
      Messaging messaging =
          new EventBusMessaging(
              vertx,
              COMMAND_TIMEOUT,
              RetryPolicy.DEFAULT,
              DeadLetters.counted(
                  r.vertx.registry(),
                  new PgDeadLetters(Database.pool(vertx, db, 1, "lanes-dead-letters"))));
      Gateway.Started gateway =
          Gateway.deploy(
                  vertx, r.vertx.registry(), gatewayConfig, db, r.kubeOf("api-gateway"), messaging)
              .await(60, TimeUnit.SECONDS);
      RegistryServiceVerticle registry =
          new RegistryServiceVerticle(
              config.registry(), r.vertx.registry(), r.kubeOf("registry-service"));
      vertx.deployVerticle(registry).await(30, TimeUnit.SECONDS);
      vertx
          .deployVerticle(
              new BuildServiceVerticle(
                  config
                      .build()
                      .withAllowLocalGit(localGit)
                      .withSecretKey(gatewayConfig.secretKey()),
                  new WorkerDeps(
                      db,
                      r.kubeOf("build-service"),
                      messaging,
                      Leadership.solo(),
                      r.vertx.registry()),
                  BuildServiceVerticle.Tuning.DEFAULT))
          .await(60, TimeUnit.SECONDS);
      ReleaseServiceVerticle.Tuning releaseTuning =
          sandbox
              ? ReleaseServiceVerticle.Tuning.DEFAULT.reapplyingOnStart()
              : ReleaseServiceVerticle.Tuning.DEFAULT;
      vertx
          .deployVerticle(
              new ReleaseServiceVerticle(
                  config.release().withSecretKey(gatewayConfig.secretKey()),
                  new WorkerDeps(
                      db,
                      r.kubeOf("release-service"),
                      messaging,
                      Leadership.solo(),
                      r.vertx.registry()),
                  releaseTuning))
          .await(60, TimeUnit.SECONDS);
      // last: commands find their consumers registered
      vertx
          .deployVerticle(new OutboxRelayVerticle(db, messaging, OutboxRelay.Settings.DEFAULT))
          .await(30, TimeUnit.SECONDS);
      return new LanesPlatform(
          config, r, gateway, registry.actualPort(), Duration.ofNanos(System.nanoTime() - begin));
    } catch (Exception | Error e) {
      r.close();
      throw e;
    }
  }

  private static DbConfig database(PlatformConfig config, Resources r) throws java.io.IOException {
    if (config.db() != null) {
      return config.db();
    }
    r.database = EmbeddedDatabase.start(config.dataDir().resolve("postgres"));
    return r.database.config(config.dbPoolSize());
  }

  /**
   * Connects to the configured cluster, or starts the sandbox; answers whether it is the sandbox.
   */
  private static boolean cluster(PlatformConfig config, Resources r) {
    KubeConfig kube = config.kube();
    if (!kube.isConfigured()) {
      r.kubeconfig = config.dataDir().resolve("sandbox").resolve("kubeconfig");
      r.sandbox =
          SandboxCluster.start(new SandboxCluster.Options(0, r.kubeconfig, config.sandboxStep()));
      kube = KubeConfig.of(r.kubeconfig);
    }
    r.kube = KubeClients.create(r.vertx.vertx(), kube);
    for (String service : PlatformConfig.SERVICES) {
      Path own = config.kubeconfigOf(service);
      if (own != null) {
        r.serviceKubes.put(service, KubeClients.create(r.vertx.vertx(), KubeConfig.of(own)));
      }
    }
    return r.sandbox != null;
  }

  private static GatewayConfig withSecretKey(PlatformConfig config) throws java.io.IOException {
    GatewayConfig gateway = config.gateway();
    return gateway.secretKey() != null
        ? gateway
        : gateway.withSecretKey(SecretKeyFile.loadOrCreate(config.dataDir()));
  }

  public int apiPort() {
    return gateway.port();
  }

  public int registryPort() {
    return registryPort;
  }

  /** The sandbox cluster, or {@code null} when a real one is configured. */
  public SandboxCluster sandbox() {
    return resources.sandbox;
  }

  /** The admin key generated by this start, or {@code null} when none was. */
  public String generatedAdminKey() {
    return gateway.adminKey().newKey();
  }

  /** Stops the services, the cluster client, the sandbox, then Postgres. Safe to call twice. */
  @Override
  public synchronized void close() {
    resources.close();
  }

  void printBanner(PrintStream out) {
    String host =
        config.gateway().http().bindAddress().equals("0.0.0.0")
            ? "localhost"
            : config.gateway().http().bindAddress();
    String api = "http://" + host + ":" + apiPort();
    out.println();
    out.printf("Lanes is running (started in %.1f s)%n", startup.toMillis() / 1000.0);
    out.printf("  API        %s/api/v1   (OpenAPI: %s/api/v1/openapi.yaml)%n", api, api);
    out.printf("  Registry   http://%s:%d/healthz%n", host, registryPort);
    out.printf(
        "  Postgres   %s%n",
        resources.database == null
            ? "DATABASE_URL"
            : "embedded, data in "
                + config.dataDir().resolve("postgres")
                + " (port "
                + resources.database.port()
                + ")");
    out.printf(
        "  Cluster    %s%n",
        resources.sandbox == null
            ? "KUBECONFIG "
                + (config.kube().kubeconfig() == null ? "(in-cluster)" : config.kube().kubeconfig())
            : "sandbox (simulated, "
                + resources.sandbox.url()
                + "), kubeconfig "
                + resources.kubeconfig);
    var admin = gateway.adminKey();
    if (admin.newKey() != null) {
      out.printf("  Admin key  %s%n", admin.newKey());
      out.println("             shown this once: only its hash is stored. Keep it, e.g.");
      out.printf("             export LANES_API_KEY=%s%n", admin.newKey());
    } else if (admin.fromApiToken()) {
      out.println("  Admin key  the value of API_TOKEN");
    } else {
      out.printf(
          "  Admin key  %s... (printed on first start; LANES_ROTATE_ADMIN_KEY=true make run"
              + " issues a new one)%n",
          admin.existingPrefix());
    }
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }
}
