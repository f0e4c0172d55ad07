package dev.lanes.registry.app;

import dev.lanes.common.http.MalformedRequests;
import dev.lanes.registry.http.RouteFeed;
import dev.lanes.registry.http.RoutesHandler;
import dev.lanes.registry.table.RouteBook;
import dev.lanes.registry.table.VersionClock;
import dev.lanes.registry.watch.ClusterWatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * registry-service: watches the Services labelled {@code app} and {@code lane} and their
 * EndpointSlices, and serves the route table, its changes as a stream, health and metrics. One
 * instance owns the table on one context; several replicas of the service run side by side, each
 * with its own informers.
 */
public final class RegistryServiceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryServiceVerticle.class);

  private final RegistryServiceConfig config;
  private final PrometheusMeterRegistry registry;
  private final KubernetesClient kube;
  private HttpServer server;
  private ClusterWatch watch;
  private RouteFeed feed;
  private volatile boolean synced;

  public RegistryServiceVerticle(
      RegistryServiceConfig config, PrometheusMeterRegistry registry, KubernetesClient kube) {
    this.config = config;
    this.registry = registry;
    this.kube = kube;
  }

  @Override
  public Future<?> start() {
    RouteBook book = new RouteBook(new VersionClock(Clock.systemUTC()));
    feed = new RouteFeed(vertx, book, config.history(), config.heartbeat());
    RouteHub hub = new RouteHub(book, feed, registry);
    vertx.setPeriodic(1000, id -> hub.refreshGauges());

    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router
        .get("/readyz")
        .handler(
            ctx ->
                ctx.response()
                    .setStatusCode(synced ? 200 : 503)
                    .end(
                        new JsonObject()
                            .put("status", synced ? "ready" : "listing Services and EndpointSlices")
                            .encode()));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    new RoutesHandler(book, feed, () -> synced).mount(router);

    watch = new ClusterWatch(kube, config.namespace(), context, hub);
    watch
        .start()
        .onSuccess(
            v -> {
              synced = true;
              LOG.info(
                  "route table synced: {} services, {} lanes in namespace {}",
                  book.routes().size(),
                  book.laneCount(),
                  config.namespace());
            })
        .onFailure(e -> LOG.error("the registry's informers failed to start", e));
    return MalformedRequests.install(vertx.createHttpServer(), router)
        .listen(config.http().port(), config.http().bindAddress())
        .onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (watch != null) {
      watch.close();
    }
    if (feed != null) {
      feed.close();
    }
    return Future.succeededFuture();
  }

  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** Whether the informers have listed the namespace, so the table is complete. */
  public boolean synced() {
    return synced;
  }
}
