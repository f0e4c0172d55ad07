package dev.lanes.gateway.app;

import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.gateway.auth.AdminKeyBootstrap;
import dev.lanes.gateway.auth.FailedAuthentications;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts the gateway in a Vert.x instance: makes sure an admin key exists, then deploys the API
 * verticles. Used by the gateway's own main and by the all-in-one platform.
 */
public final class Gateway {

  /** A running gateway. {@code adminKey} says what start-up must print about the admin key. */
  public record Started(String deploymentId, int port, AdminKeyBootstrap.Outcome adminKey) {}

  private Gateway() {}

  /**
   * @param kube the cluster whose build pods' logs the API streams, or {@code null}
   * @param messaging where the API asks the owning services to record builds, releases and lanes
   */
  public static Future<Started> deploy(
      Vertx vertx,
      PrometheusMeterRegistry registry,
      GatewayConfig config,
      DbConfig db,
      KubernetesClient kube,
      Messaging messaging) {
    SecretBox secrets = SecretBox.fromBase64(config.secretKey().reveal());
    return bootstrapAdminKey(vertx, config, db)
        .compose(
            outcome ->
                deployInstances(vertx, registry, config, db, secrets, kube, messaging, outcome));
  }

  private static Future<AdminKeyBootstrap.Outcome> bootstrapAdminKey(
      Vertx vertx, GatewayConfig config, DbConfig db) {
    Pool pool = Database.pool(vertx, db, 1, "gateway-bootstrap");
    return new AdminKeyBootstrap(pool)
        .run(config.adminToken(), config.rotateAdminKey())
        .eventually(pool::close);
  }

  private static Future<Started> deployInstances(
      Vertx vertx,
      PrometheusMeterRegistry registry,
      GatewayConfig config,
      DbConfig db,
      SecretBox secrets,
      KubernetesClient kube,
      Messaging messaging,
      AdminKeyBootstrap.Outcome outcome) {
    int instances = config.instances();
    int poolSize = Math.max(1, db.poolSize() / instances);
    List<GatewayVerticle> started = new CopyOnWriteArrayList<>();
    // one count for the process: the limit holds whichever event loop a request lands on
    FailedAuthentications failures =
        new FailedAuthentications(config.authFailureLimit(), Clock.systemUTC(), registry);
    return vertx
        .deployVerticle(
            () -> {
              GatewayVerticle v =
                  new GatewayVerticle(
                      config, db, poolSize, secrets, registry, kube, messaging, failures);
              started.add(v);
              return v;
            },
            new DeploymentOptions().setInstances(instances))
        .map(id -> new Started(id, started.get(0).actualPort(), outcome));
  }
}
