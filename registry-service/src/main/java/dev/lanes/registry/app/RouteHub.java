package dev.lanes.registry.app;

import dev.lanes.registry.http.RouteFeed;
import dev.lanes.registry.table.Rejection;
import dev.lanes.registry.table.RouteBook;
import dev.lanes.registry.table.RouteDelta;
import dev.lanes.registry.table.ServiceFacts;
import dev.lanes.registry.watch.ClusterWatch;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where cluster changes meet subscribers: applies each change to the {@link RouteBook}, publishes
 * the resulting delta on the {@link RouteFeed}, and keeps the registry's metrics. Runs on the
 * registry's context.
 */
final class RouteHub implements ClusterWatch.Listener {

  private static final Logger LOG = LoggerFactory.getLogger(RouteHub.class);

  private final RouteBook book;
  private final RouteFeed feed;
  private final Timer propagation;
  private volatile Map<Rejection, Integer> rejected;
  private volatile int services;
  private volatile int lanes;
  private volatile int subscribers;
  private volatile long version;

  RouteHub(RouteBook book, RouteFeed feed, MeterRegistry registry) {
    this.book = book;
    this.feed = feed;
    this.propagation =
        Timer.builder("lanes.registry.propagation")
            .description(
                "From a Service or EndpointSlice event reaching the registry to its delta written"
                    + " to every subscriber")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    Gauge.builder("lanes.registry.services", () -> services)
        .description("Services in the route table")
        .register(registry);
    Gauge.builder("lanes.registry.lanes", () -> lanes)
        .description("Lanes listed over all services")
        .register(registry);
    Gauge.builder("lanes.registry.subscribers", () -> subscribers)
        .description("Stream subscribers and waiting blocking queries")
        .register(registry);
    Gauge.builder("lanes.registry.version", () -> version)
        .description("Version of the route table")
        .register(registry);
    this.rejected = book.rejectedCounts();
    for (Rejection r : Rejection.values()) {
      Gauge.builder("lanes.registry.rejected.services", () -> rejected.get(r))
          .tag("reason", r.label())
          .description("Services labelled app and lane that are not routed to")
          .register(registry);
    }
  }

  @Override
  public void serviceChanged(ServiceFacts service, long arrivedNanos) {
    Rejection before = book.rejected().get(service.name());
    Optional<RouteDelta> delta = book.upsertService(service);
    Rejection after = book.rejected().get(service.name());
    if (after != null && after != before) {
      LOG.warn(
          "not routing to Service {} (app={}, lane={}, port={}): {}",
          service.name(),
          service.app(),
          service.lane(),
          service.port(),
          explain(after, service));
    }
    publish(delta, arrivedNanos);
  }

  @Override
  public void serviceDeleted(String name, long arrivedNanos) {
    publish(book.removeService(name), arrivedNanos);
  }

  @Override
  public void sliceChanged(String service, String slice, int readyEndpoints, long arrivedNanos) {
    publish(book.upsertSlice(service, slice, readyEndpoints), arrivedNanos);
  }

  @Override
  public void sliceDeleted(String service, String slice, long arrivedNanos) {
    publish(book.removeSlice(service, slice), arrivedNanos);
  }

  /** Subscriber counts change without table changes; the verticle refreshes them periodically. */
  void refreshGauges() {
    services = book.routes().size();
    lanes = book.laneCount();
    subscribers = feed.subscribers() + feed.waiting();
    version = book.version();
    rejected = book.rejectedCounts();
  }

  private void publish(Optional<RouteDelta> delta, long arrivedNanos) {
    if (delta.isPresent()) {
      RouteDelta d = delta.get();
      if (LOG.isDebugEnabled()) {
        LOG.debug("routes v{}: {}", d.version(), d.toJson().encode());
      }
      feed.publish(d)
          .onSuccess(
              v -> propagation.record(System.nanoTime() - arrivedNanos, TimeUnit.NANOSECONDS));
    }
    refreshGauges();
  }

  private static String explain(Rejection why, ServiceFacts s) {
    return switch (why) {
      case NO_PORT -> "it has no ports";
      case BAD_LABEL -> "its app or lane label is not a DNS-1123 label";
      case NAME_MISMATCH -> "it is not named " + s.expectedName() + ", the name SDKs call";
      case DUPLICATE -> "Service " + s.expectedName() + " has the same app and lane labels";
    };
  }
}
