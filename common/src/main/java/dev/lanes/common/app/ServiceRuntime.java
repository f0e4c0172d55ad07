package dev.lanes.common.app;

import dev.lanes.common.config.HttpConfig;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.Migrations;
import dev.lanes.common.k8s.KubeClients;
import dev.lanes.common.leader.LeaseLeadership;
import dev.lanes.common.messaging.DeadLetters;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.PgDeadLetters;
import dev.lanes.common.messaging.Transports;
import dev.lanes.common.metrics.LanesVertx;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts a service process builds from its {@link ServiceEnv}: Vert.x with metrics, the cluster
 * client, the transport (Kafka) and the schema migrated. Each is registered with the closer as it
 * starts, so a failure halfway stops what had started.
 *
 * @param messaging {@code null} when the service needs none
 */
public record ServiceRuntime(
    String service,
    ServiceEnv env,
    LanesVertx.Instance metrics,
    KubernetesClient kube,
    Messaging messaging) {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceRuntime.class);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

  public static ServiceRuntime start(String service, ServiceEnv env, ServiceProcess.Closer closer)
      throws Exception {
    if (env.db() != null) {
      // every service migrates: Flyway's lock lets the first do it and the others find it done
      Migrations.migrate(env.db());
    }
    LanesVertx.Instance instance = LanesVertx.create();
    closer.add(instance, () -> instance.vertx().close().await(30, TimeUnit.SECONDS));
    KubernetesClient kube = KubeClients.create(instance.vertx(), env.kube());
    closer.add(kube, kube::close);
    Messaging messaging = null;
    if (env.messaging() != null) {
      // given-up messages: the topic lanes.dead-letters, the table dead_letters, /metrics
      DeadLetters deadLetters =
          DeadLetters.counted(
              instance.registry(),
              env.db() == null
                  ? DeadLetters.LOG_ONLY
                  : new PgDeadLetters(
                      Database.pool(instance.vertx(), env.db(), 1, service + "-dead-letters")));
      Messaging m =
          Transports.create(
                  instance.vertx(),
                  env.messaging(),
                  service + "-" + env.leader().identity(),
                  COMMAND_TIMEOUT,
                  deadLetters)
              .await(60, TimeUnit.SECONDS);
      messaging = closer.add(m, () -> m.close().await(30, TimeUnit.SECONDS));
    }
    return new ServiceRuntime(service, env, instance, kube, messaging);
  }

  /**
   * Runs a worker service (one without an API of its own): serves {@code /healthz}, {@code /readyz}
   * (ready once {@code verticle} is deployed) and {@code /metrics} on {@code http}, then deploys
   * it.
   *
   * @return the port of the health endpoints
   */
  public int runWorker(Deployable verticle, HttpConfig http) throws Exception {
    AtomicBoolean started = new AtomicBoolean();
    AtomicReference<String> database = watchDatabase();
    HttpServer server =
        HealthEndpoints.serve(
                vertx(),
                http,
                metrics.registry(),
                () -> started.get() ? database.get() : "starting")
            .await(30, TimeUnit.SECONDS);
    vertx().deployVerticle(verticle).await(60, TimeUnit.SECONDS);
    started.set(true);
    LOG.info(
        "{} {} ready: health on {}:{}, Lease lanes-{} in {}",
        service,
        env.leader().identity(),
        http.bindAddress(),
        server.actualPort(),
        service,
        env.leader().namespace());
    return server.actualPort();
  }

  /**
   * Whether the database answers, checked every two seconds on a connection of its own: {@code
   * null} while it does, else why not. A worker that cannot reach it is not ready (its commands
   * wait in Kafka meanwhile) and recovers by itself when it is back.
   */
  private AtomicReference<String> watchDatabase() {
    AtomicReference<String> problem = new AtomicReference<>();
    if (env.db() == null) {
      return problem;
    }
    Pool pool = Database.pool(vertx(), env.db(), 1, service + "-health");
    vertx()
        .setPeriodic(
            0,
            2000,
            id ->
                pool.query("select 1")
                    .execute()
                    .onComplete(
                        done ->
                            problem.set(
                                done.succeeded() ? null : "the database is not reachable")));
    return problem;
  }

  public Vertx vertx() {
    return metrics.vertx();
  }

  /** The process's metrics, served on its {@code /metrics}. */
  public io.micrometer.core.instrument.MeterRegistry registry() {
    return metrics.registry();
  }

  /** Leadership among this service's replicas, on the Lease {@code lanes-<service>}. */
  public LeaseLeadership leadership() {
    return new LeaseLeadership(kube, env.leader(), "lanes-" + service);
  }

  /** What a worker service (build-service, release-service) of this process runs on. */
  public dev.lanes.common.worker.WorkerDeps workerDeps(dev.lanes.common.db.DbConfig db) {
    return new dev.lanes.common.worker.WorkerDeps(db, kube, messaging(), leadership(), registry());
  }
}
