package dev.lanes.sdk;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An immutable route table as the registry serves it, with every target ({@code web-dev:8080})
 * built once when the table arrives, so that resolving a call allocates nothing.
 */
public final class RouteTable {

  /** One service: the lanes with a ready endpoint, its port, and its targets. */
  public static final class Route {
    private final List<String> lanes;
    private final int port;
    private final String base;
    private final Map<String, String> byLane;

    Route(String service, List<String> lanes, int port) {
      this.lanes = List.copyOf(lanes);
      this.port = port;
      this.base = service + ":" + port;
      Map<String, String> targets = new HashMap<>();
      for (String lane : this.lanes) {
        targets.put(lane, service + "-" + lane + ":" + port);
      }
      this.byLane = targets;
    }

    public List<String> lanes() {
      return lanes;
    }

    public int port() {
      return port;
    }

    /** {@code service:port}, the prod target. */
    String base() {
      return base;
    }

    /** {@code service-lane:port} when the lane is listed, else {@code null}. */
    String inLane(String lane) {
      return byLane.get(lane);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Route r && r.port == port && r.lanes.equals(lanes);
    }

    @Override
    public int hashCode() {
      return lanes.hashCode() * 31 + port;
    }

    @Override
    public String toString() {
      return "{lanes=" + lanes + ", port=" + port + "}";
    }
  }

  private final Map<String, Route> routes;
  private final long version;

  RouteTable(Map<String, Route> routes, long version) {
    this.routes = Collections.unmodifiableMap(new HashMap<>(routes));
    this.version = version;
  }

  public long version() {
    return version;
  }

  /** The routes by service, in name order. */
  public Map<String, Route> routes() {
    return Collections.unmodifiableMap(new TreeMap<>(routes));
  }

  public Route route(String service) {
    return routes.get(service);
  }

  /**
   * A table with {@code upserts} replacing entries and {@code removes} gone, at {@code version}.
   */
  RouteTable with(Map<String, Route> upserts, List<String> removes, long version) {
    Map<String, Route> next = new LinkedHashMap<>(routes);
    removes.forEach(next::remove);
    next.putAll(upserts);
    return new RouteTable(next, version);
  }
}
