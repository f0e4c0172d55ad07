package dev.lanes.common.app;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import dev.lanes.common.http.MalformedRequests;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /readyz} and {@code /metrics} of a service that has no API of its own
 * (build-service, release-service), for probes and Prometheus.
 */
public final class HealthEndpoints {

  public static final ConfigKey<Integer> HTTP_PORT =
      ConfigKey.integer(
          "HTTP_PORT", 8080, 0, 65535, "Port of the service's /healthz, /readyz and /metrics.");

  private HealthEndpoints() {}

  /** Where the endpoints listen: {@code BIND_ADDRESS} and {@code HTTP_PORT}. */
  public static HttpConfig http(ConfigReader reader) {
    return new HttpConfig(reader.get(HttpConfig.BIND_ADDRESS), reader.get(HTTP_PORT));
  }

  /**
   * Serves the endpoints; {@code notReady} answers why the service is not ready, or {@code null}
   * when it is.
   */
  public static Future<HttpServer> serve(
      Vertx vertx, HttpConfig http, PrometheusMeterRegistry registry, Supplier<String> notReady) {
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
    router
        .get("/readyz")
        .handler(
            ctx -> {
              String why = notReady.get();
              if (why != null) {
                // as the gateway's: a probe or a script knows when to look again
                ctx.response().putHeader("Retry-After", "5");
              }
              ctx.response()
                  .setStatusCode(why == null ? 200 : 503)
                  .putHeader("Content-Type", "application/json")
                  .end(new JsonObject().put("status", why == null ? "ready" : why).encode());
            });
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    return MalformedRequests.install(vertx.createHttpServer(), router)
        .listen(http.port(), http.bindAddress());
  }
}
