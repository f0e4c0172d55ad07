package dev.lanes.registry.app;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * registry-service: will watch Services and endpoints and serve route tables (the routing issue).
 * For now it serves its health and metrics endpoints on its own port, so it can be probed and
 * scraped like the finished service.
 */
public final class RegistryServiceVerticle extends VerticleBase {

  private final RegistryServiceConfig config;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public RegistryServiceVerticle(RegistryServiceConfig config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    return vertx
        .createHttpServer()
        .requestHandler(router)
        .listen(config.http().port(), config.http().bindAddress())
        .onSuccess(s -> server = s);
  }

  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
