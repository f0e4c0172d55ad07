package dev.lanes.builds.app;

import dev.lanes.builds.intake.BuildIntakeStore;
import dev.lanes.builds.pipeline.BuildDispatcher;
import dev.lanes.common.audit.Actor;
import dev.lanes.common.builds.BuildOverrides;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.common.domain.Build;
import dev.lanes.common.k8s.KubeClients;
import dev.lanes.common.k8s.KubeConfig;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.PgDeadLetters;
import dev.lanes.common.messaging.RetryPolicy;
import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import dev.lanes.common.outbox.OutboxRelay;
import dev.lanes.common.outbox.OutboxRelayVerticle;
import dev.lanes.common.worker.WorkerDeps;
import dev.lanes.sandbox.SandboxCluster;
import dev.lanes.testkit.TestPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;

/**
 * build-service as it runs in the platform, on a fresh database and a sandbox cluster: the outbox
 * relay, the event bus, the service's verticle, and a local git repository to build.
 */
final class BuildFixture implements AutoCloseable {

  /** Who a test's request comes from: each a change of its own. */
  static Actor actor() {
    return new Actor(
        "test-key", "test", "127.0.0.1", "test-request", java.util.UUID.randomUUID().toString());
  }

  static final Duration STEP = Duration.ofMillis(30);
  static final BuildServiceVerticle.Tuning FAST =
      new BuildServiceVerticle.Tuning(
          Duration.ofMillis(100),
          Duration.ofMillis(500),
          new BuildDispatcher.Retry(3, Duration.ofMillis(50), Duration.ofMillis(200)));

  final Vertx vertx = Vertx.vertx();
  final Path dir;
  final DbConfig db;
  final Database database;
  final SandboxCluster sandbox;
  final KubernetesClient kube;
  final EventBusMessaging messaging;
  final BuildQueries builds;
  final BuildIntakeStore intake;
  final List<Message> events = new CopyOnWriteArrayList<>();
  private String serviceDeployment;

  BuildFixture(Path dir) throws Exception {
    this.dir = dir;
    TestPostgres.Database pg = TestPostgres.newDatabase();
    db = DbConfig.local(pg.host(), pg.port(), pg.name(), pg.user(), 4);
    Migrations.migrate(db);
    database = Database.create(vertx, db, 2, "test");
    sandbox = SandboxCluster.start(new SandboxCluster.Options(0, dir.resolve("kubeconfig"), STEP));
    kube = KubeClients.create(vertx, KubeConfig.of(dir.resolve("kubeconfig")));
    messaging =
        new EventBusMessaging(
            vertx, Duration.ofSeconds(30), RetryPolicy.DEFAULT, new PgDeadLetters(database.pool()));
    builds = new BuildQueries(database);
    intake = new BuildIntakeStore(database);
    await(
        messaging.subscribe(
            Channels.EVENTS,
            m -> {
              events.add(m);
              return Future.succeededFuture();
            }));
    await(
        vertx.deployVerticle(
            new OutboxRelayVerticle(
                db,
                messaging,
                new OutboxRelay.Settings(100, Duration.ofMillis(100), Duration.ofMillis(200)))));
  }

  static <T> T await(Future<T> f) {
    return f.timeout(30, TimeUnit.SECONDS).await();
  }

  static BuildServiceConfig config(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.putIfAbsent("LANES_ALLOW_LOCAL_GIT", "true");
    ConfigReader reader = new ConfigReader(all);
    BuildServiceConfig config = BuildServiceConfig.from(reader);
    reader.done();
    return config;
  }

  /** Starts build-service; stops the one running first. */
  void startService(Map<String, String> env) {
    startService(config(env), kube);
  }

  void startService(BuildServiceConfig config, KubernetesClient client) {
    startService(config, client, FAST);
  }

  void startService(
      BuildServiceConfig config, KubernetesClient client, BuildServiceVerticle.Tuning tuning) {
    stopService();
    serviceDeployment =
        await(
            vertx.deployVerticle(
                new BuildServiceVerticle(config, WorkerDeps.solo(db, client, messaging), tuning)));
  }

  void stopService() {
    if (serviceDeployment != null) {
      await(vertx.undeploy(serviceDeployment));
      serviceDeployment = null;
    }
  }

  /** A git repository with one commit of {@code dockerfile}; answers its commit. */
  String repo(String name, String dockerfile) throws Exception {
    Path repo = dir.resolve(name);
    try (Git git =
        Files.exists(repo.resolve(".git"))
            ? Git.open(repo.toFile())
            : Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      if (dockerfile != null) {
        Files.writeString(repo.resolve("Dockerfile"), dockerfile);
      } else {
        Files.writeString(repo.resolve("README.md"), "no Dockerfile\n");
      }
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage("commit")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .call()
          .getName();
    }
  }

  /** An app {@code name} whose image repo builds the repository {@code repo}. */
  void app(String name, String repo) {
    sql(
        "insert into image_repos (name, registry, git_repo) values ($1, $2, $3)",
        Tuple.of(name, "registry.local/team/" + name, "file://" + dir.resolve(repo)));
    sql("insert into apps (name, image_repo, port) values ($1, $1, 8080)", Tuple.of(name));
  }

  void sql(String statement, Tuple params) {
    await(database.pool().preparedQuery(statement).execute(params));
  }

  void clean() {
    await(
        database
            .pool()
            .query("truncate builds, build_logs, apps, image_repos, outbox, dead_letters cascade")
            .execute());
    events.clear();
    kube.batch().v1().jobs().inNamespace("paas-builds").delete();
    kube.pods().inNamespace("paas-builds").delete();
    kube.network().v1().networkPolicies().inNamespace("paas-builds").delete();
  }

  Build request(String app, String ref, boolean force) {
    return await(intake.request(actor(), app, ref, force, BuildOverrides.NONE));
  }

  Build get(Build b) {
    return await(builds.get(b.app(), b.id()));
  }

  /** The statuses the events reported for {@code build}, in order. */
  List<String> statuses(UUID build) {
    return events.stream()
        .filter(m -> m.subject().equals(build.toString()))
        .map(m -> m.data().getString("status"))
        .toList();
  }

  @Override
  public void close() {
    stopService();
    await(vertx.close());
    kube.close();
    sandbox.close();
  }
}
