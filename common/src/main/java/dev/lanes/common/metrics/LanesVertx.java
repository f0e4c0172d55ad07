package dev.lanes.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * Creates the Vert.x instance of a process with its Prometheus registry: HTTP server metrics are
 * labelled by route template (never by raw path, whose cardinality has no bound).
 */
public final class LanesVertx {

  /** A Vert.x instance and the registry its {@code /metrics} endpoints scrape. */
  public record Instance(Vertx vertx, PrometheusMeterRegistry registry) {}

  private LanesVertx() {}

  public static Instance create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    PrometheusNaming.apply(registry);
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setLabels(
                java.util.EnumSet.of(
                    Label.HTTP_METHOD,
                    Label.HTTP_CODE,
                    Label.HTTP_ROUTE,
                    Label.POOL_TYPE,
                    Label.POOL_NAME));
    Vertx vertx =
        Vertx.builder()
            .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
            .withMetrics(new MicrometerMetricsFactory(registry))
            .build();
    return new Instance(vertx, registry);
  }
}
