package dev.lanes.sdk;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Picks the target of each outgoing call by lane: {@code web-dev:8080} when the current request is
 * in lane {@code dev} and the registry lists {@code dev} for {@code web}, else {@code web:8080}.
 *
 * <pre>{@code
 * LaneRouter router = LaneRouter.start("http://lanes-registry:8081", 8080);
 * String url = router.url("web", "/api/items");   // lane from the current request
 * router.close();
 * }</pre>
 *
 * A background thread keeps the table current (see docs/routing.md); {@link #resolve} reads it
 * without locks or allocation.
 */
public final class LaneRouter implements AutoCloseable {

  private static final int MAX_FALLBACKS = 10_000;

  private final LaneRouterOptions options;
  private final Subscription subscription;
  private final Thread thread;
  private final CountDownLatch ready = new CountDownLatch(1);
  private final ConcurrentHashMap<String, String> fallbacks = new ConcurrentHashMap<>();
  private volatile RouteTable table;

  public LaneRouter(URI registry, LaneRouterOptions options) {
    this.options = options;
    URI base = URI.create(registry.toString().replaceAll("/+$", "") + "/");
    this.subscription = new Subscription(base, options, () -> table, this::install);
    this.thread = new Thread(subscription, "lanes-router");
    thread.setDaemon(true);
    thread.start();
  }

  /** A router for the registry at {@code registryUrl} with the default options. */
  public static LaneRouter start(String registryUrl, int defaultPort) {
    return new LaneRouter(URI.create(registryUrl), LaneRouterOptions.defaults(defaultPort));
  }

  /** {@code host:port} of {@code service} in the current request's lane. */
  public String resolve(String service) {
    return resolve(service, null);
  }

  /**
   * {@code host:port} of {@code service} in {@code lane}; a {@code lane} that is {@code null} or
   * not a lane name gives way to the current request's lane.
   */
  public String resolve(String service, String lane) {
    String effective = LaneNames.isLane(lane) ? lane : Lanes.current();
    RouteTable t = table;
    if (t != null) {
      RouteTable.Route route = t.route(service);
      if (route != null) {
        if (effective != null && !LaneNames.PROD.equals(effective)) {
          String target = route.inLane(effective);
          if (target != null) {
            return target;
          }
        }
        return route.base();
      }
    }
    return fallback(service);
  }

  /** {@code http://host:port/path} of {@code service} in the current request's lane. */
  public String url(String service, String path) {
    return url(service, path, null);
  }

  /** {@code http://host:port/path} of {@code service} in {@code lane} (see {@link #resolve}). */
  public String url(String service, String path, String lane) {
    String p = path == null || path.isEmpty() ? "/" : path.startsWith("/") ? path : "/" + path;
    return "http://" + resolve(service, lane) + p;
  }

  /** The table, or {@code null} before the registry first answered. */
  public RouteTable table() {
    return table;
  }

  /** Waits for the first table; {@code false} when {@code timeout} passed without one. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the subscription; the router keeps resolving with the last table. */
  @Override
  public void close() {
    subscription.close();
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the background thread has stopped (after {@link #close()}). */
  public boolean isClosed() {
    return !thread.isAlive();
  }

  // package-private: the vector tests hand tables in directly
  void install(RouteTable next) {
    table = next;
    ready.countDown();
    try {
      options.onChange().accept(next);
    } catch (RuntimeException e) {
      System.getLogger("dev.lanes.sdk")
          .log(System.Logger.Level.WARNING, "onChange listener failed", e);
    }
  }

  private String fallback(String service) {
    String target = fallbacks.get(service);
    if (target == null) {
      target = service + ":" + options.defaultPort();
      if (fallbacks.size() < MAX_FALLBACKS) {
        fallbacks.put(service, target);
      }
    }
    return target;
  }
}
