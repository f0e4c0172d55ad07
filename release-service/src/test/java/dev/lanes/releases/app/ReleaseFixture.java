package dev.lanes.releases.app;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.Secret;
import dev.lanes.common.crypto.SealedEnvs;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.common.domain.Release;
import dev.lanes.common.k8s.KubeClients;
import dev.lanes.common.k8s.KubeConfig;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import dev.lanes.common.outbox.OutboxRelay;
import dev.lanes.common.outbox.OutboxRelayVerticle;
import dev.lanes.common.releases.ReleaseQueries;
import dev.lanes.common.releases.ReleaseRequest;
import dev.lanes.common.worker.WorkerDeps;
import dev.lanes.releases.intake.LaneLifecycle;
import dev.lanes.releases.intake.ReleaseIntakeStore;
import dev.lanes.sandbox.SandboxCluster;
import dev.lanes.testkit.TestPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** release-service as the platform runs it, on a fresh database and a sandbox cluster. */
final class ReleaseFixture implements AutoCloseable {

  /** Who a test's request comes from: each a change of its own. */
  static Actor actor() {
    return new Actor(
        "test-key", "test", "127.0.0.1", "test-request", java.util.UUID.randomUUID().toString());
  }

  static final String NS = "prod";
  static final ReleaseServiceVerticle.Tuning FAST =
      new ReleaseServiceVerticle.Tuning(Duration.ofMillis(300), Duration.ofMillis(300), false);

  final Vertx vertx = Vertx.vertx();
  final String key = SecretBox.newKey();
  final DbConfig db;
  final Database database;
  final SandboxCluster sandbox;
  final KubernetesClient kube;
  final EventBusMessaging messaging;
  final ReleaseQueries releases;
  final ReleaseIntakeStore intake;
  final LaneLifecycle lanes;
  final List<Message> events = new CopyOnWriteArrayList<>();
  private String deployment;

  ReleaseFixture(Path dir) {
    TestPostgres.Database pg = TestPostgres.newDatabase();
    db = DbConfig.local(pg.host(), pg.port(), pg.name(), pg.user(), 4);
    Migrations.migrate(db);
    database = Database.create(vertx, db, 2, "test");
    sandbox =
        SandboxCluster.start(
            new SandboxCluster.Options(0, dir.resolve("kubeconfig"), Duration.ofMillis(30)));
    kube = KubeClients.create(vertx, KubeConfig.of(dir.resolve("kubeconfig")));
    messaging = new EventBusMessaging(vertx, Duration.ofSeconds(30));
    releases = new ReleaseQueries(database);
    intake = new ReleaseIntakeStore(database);
    lanes = new LaneLifecycle(database, "/test");
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

  ReleaseServiceConfig config(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    ConfigReader reader = new ConfigReader(all);
    ReleaseServiceConfig config = ReleaseServiceConfig.from(reader).withSecretKey(Secret.of(key));
    reader.done();
    return config;
  }

  void startService(Map<String, String> env) {
    stopService();
    deployment =
        await(
            vertx.deployVerticle(
                new ReleaseServiceVerticle(
                    config(env), WorkerDeps.solo(db, kube, messaging), FAST)));
  }

  void stopService() {
    if (deployment != null) {
      await(vertx.undeploy(deployment));
      deployment = null;
    }
  }

  /** An app with a succeeded build tagged {@code tags[i]} each; {@code port} 0 makes a worker. */
  void app(
      String name,
      int port,
      Map<String, String> envs,
      Map<String, String> secrets,
      String... tags) {
    sql(
        "insert into image_repos (name, registry, git_repo) values ($1, $2, 'team/x')",
        Tuple.of(name, "registry.local/" + name));
    Buffer sealed =
        secrets.isEmpty()
            ? null
            : Buffer.buffer(SealedEnvs.seal(SecretBox.fromBase64(key), secrets));
    sql(
        "insert into apps (name, image_repo, port, envs, secret_envs, secret_env_names, replicas, health_path)"
            + " values ($1, $1, $2, $3, $4, $5, 1, '/healthz')",
        Tuple.of(
            name,
            port,
            new io.vertx.core.json.JsonObject(new HashMap<>(envs)),
            sealed,
            secrets.keySet().toArray(String[]::new)));
    for (String tag : tags) {
      sql(
          "insert into builds (id, app, image_repo, git_ref, commit, tag, image, status) values ($1, $2, $2, 'main', $3, $4, $5, 'succeeded')",
          Tuple.of(
              UUID.randomUUID(),
              name,
              tag + "0".repeat(33),
              tag,
              "registry.local/" + name + ":" + tag));
    }
  }

  void lane(String name) {
    sql("insert into lanes (name) values ($1) on conflict do nothing", Tuple.of(name));
  }

  void sql(String statement, Tuple params) {
    await(database.pool().preparedQuery(statement).execute(params));
  }

  Release release(String app, String lane, String tag, Integer replicas, Map<String, String> envs) {
    return await(
        intake.release(actor(), new ReleaseRequest(app, lane, tag, replicas, envs, false)));
  }

  Release get(UUID id) {
    return await(releases.get(id));
  }

  List<String> statuses(UUID release) {
    return events.stream()
        .filter(
            m ->
                m.subject().equals(release.toString())
                    && m.type().equals("dev.lanes.release.status"))
        .map(m -> m.data().getString("status") + "@" + m.data().getInteger("revision"))
        .toList();
  }

  void clean() {
    await(
        database
            .pool()
            .query(
                "truncate releases, release_revisions, builds, apps, image_repos, outbox cascade")
            .execute());
    await(database.pool().query("delete from lanes where not protected").execute());
    events.clear();
    kube.apps().deployments().inNamespace(NS).delete();
    kube.services().inNamespace(NS).delete();
    kube.secrets().inNamespace(NS).delete();
  }

  @Override
  public void close() {
    stopService();
    await(vertx.close());
    kube.close();
    sandbox.close();
  }
}
