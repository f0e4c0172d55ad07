package dev.lanes.registry.table;

import dev.lanes.common.domain.Lane;
import dev.lanes.common.validation.Rules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The route table and what it is made of, kept up to date one Kubernetes event at a time.
 *
 * <p>Each event touches one Service or one EndpointSlice; only the entries of the apps it concerns
 * are recomputed, and the change, if any, comes back as a {@link RouteDelta} with a new version.
 * The table is never rebuilt. Not thread-safe: the registry confines it to one Vert.x context.
 */
public final class RouteBook {

  /** Services labelled {@code app} and {@code lane}, by name. */
  private final Map<String, ServiceFacts> services = new HashMap<>();

  /** Ready endpoints per EndpointSlice, by the name of the Service the slices belong to. */
  private final Map<String, Map<String, Integer>> readyBySlice = new HashMap<>();

  /** The routable Services of each app, by lane. */
  private final Map<String, Map<String, ServiceFacts>> routable = new HashMap<>();

  /** Services that are not routed to, and why. */
  private final Map<String, Rejection> rejected = new TreeMap<>();

  private final NavigableMap<String, RouteEntry> routes = new TreeMap<>();
  private final NavigableMap<String, RouteEntry> routesView =
      Collections.unmodifiableNavigableMap(routes);
  private final VersionClock clock;
  private long version;
  private Instant updatedAt = Instant.EPOCH;
  private int lanes;

  public RouteBook(VersionClock clock) {
    this.clock = clock;
  }

  /** A Service was added or changed. */
  public Optional<RouteDelta> upsertService(ServiceFacts facts) {
    ServiceFacts old = services.put(facts.name(), facts);
    Set<String> apps = new TreeSet<>();
    if (old != null) {
      unroute(old);
      apps.add(old.app());
    }
    Rejection why = classify(facts);
    if (why == null) {
      rejected.remove(facts.name());
      routable.computeIfAbsent(facts.app(), a -> new HashMap<>()).put(facts.lane(), facts);
    } else {
      rejected.put(facts.name(), why);
    }
    apps.add(facts.app());
    reclassifyRejected();
    return recompute(apps);
  }

  /** A Service was deleted. */
  public Optional<RouteDelta> removeService(String name) {
    ServiceFacts old = services.remove(name);
    rejected.remove(name);
    if (old == null) {
      return Optional.empty();
    }
    unroute(old);
    reclassifyRejected();
    return recompute(Set.of(old.app()));
  }

  /** An EndpointSlice of Service {@code service} was added or changed. */
  public Optional<RouteDelta> upsertSlice(String service, String slice, int ready) {
    Map<String, Integer> slices = readyBySlice.computeIfAbsent(service, s -> new HashMap<>());
    Integer before = slices.put(slice, ready);
    if (Objects.equals(before, ready)) {
      return Optional.empty();
    }
    return recomputeFor(service);
  }

  /** An EndpointSlice of Service {@code service} was deleted. */
  public Optional<RouteDelta> removeSlice(String service, String slice) {
    Map<String, Integer> slices = readyBySlice.get(service);
    if (slices == null || slices.remove(slice) == null) {
      return Optional.empty();
    }
    if (slices.isEmpty()) {
      readyBySlice.remove(service);
    }
    return recomputeFor(service);
  }

  /** The table: services in name order, read-only, current as long as no event is applied. */
  public NavigableMap<String, RouteEntry> routes() {
    return routesView;
  }

  public RouteEntry route(String service) {
    return routes.get(service);
  }

  public long version() {
    return version;
  }

  public Instant updatedAt() {
    return updatedAt;
  }

  /** Lanes listed over all services. */
  public int laneCount() {
    return lanes;
  }

  /** Services that are not routed to, by name. */
  public Map<String, Rejection> rejected() {
    return Collections.unmodifiableMap(rejected);
  }

  public Map<Rejection, Integer> rejectedCounts() {
    Map<Rejection, Integer> counts = new EnumMap<>(Rejection.class);
    for (Rejection r : Rejection.values()) {
      counts.put(r, 0);
    }
    rejected.values().forEach(r -> counts.merge(r, 1, Integer::sum));
    return counts;
  }

  private Rejection classify(ServiceFacts facts) {
    if (!isLabel(facts.app()) || !isLabel(facts.lane())) {
      return Rejection.BAD_LABEL;
    }
    if (facts.port() <= 0) {
      return Rejection.NO_PORT;
    }
    if (!facts.name().equals(facts.expectedName())) {
      ServiceFacts named = services.get(facts.expectedName());
      return named != null && named.app().equals(facts.app()) && named.lane().equals(facts.lane())
          ? Rejection.DUPLICATE
          : Rejection.NAME_MISMATCH;
    }
    return null;
  }

  private static boolean isLabel(String value) {
    return value != null && value.length() <= Rules.MAX_NAME_LENGTH && Rules.isDnsLabel(value);
  }

  /** A Service named {@code {app}-{lane}} coming or going changes its namesakes' reason. */
  private void reclassifyRejected() {
    for (Map.Entry<String, Rejection> e : rejected.entrySet()) {
      if (e.getValue() == Rejection.DUPLICATE || e.getValue() == Rejection.NAME_MISMATCH) {
        e.setValue(classify(services.get(e.getKey())));
      }
    }
  }

  private void unroute(ServiceFacts old) {
    Map<String, ServiceFacts> byLane = routable.get(old.app());
    if (byLane != null && byLane.get(old.lane()) == old) {
      byLane.remove(old.lane());
      if (byLane.isEmpty()) {
        routable.remove(old.app());
      }
    }
  }

  private Optional<RouteDelta> recomputeFor(String service) {
    ServiceFacts facts = services.get(service);
    return facts == null ? Optional.empty() : recompute(Set.of(facts.app()));
  }

  private Optional<RouteDelta> recompute(Set<String> apps) {
    Map<String, RouteEntry> upserts = new HashMap<>();
    List<String> removes = new ArrayList<>();
    for (String app : apps) {
      RouteEntry now = entryOf(app);
      RouteEntry before = now == null ? routes.remove(app) : routes.put(app, now);
      if (Objects.equals(before, now)) {
        continue;
      }
      lanes +=
          (now == null ? 0 : now.lanes().size()) - (before == null ? 0 : before.lanes().size());
      if (now == null) {
        removes.add(app);
      } else {
        upserts.put(app, now);
      }
    }
    if (upserts.isEmpty() && removes.isEmpty()) {
      return Optional.empty();
    }
    long previous = version;
    version = clock.next(previous);
    updatedAt = Instant.now();
    return Optional.of(new RouteDelta(version, previous, upserts, removes));
  }

  private RouteEntry entryOf(String app) {
    Map<String, ServiceFacts> byLane = routable.get(app);
    if (byLane == null) {
      return null;
    }
    List<String> ready = new ArrayList<>();
    for (ServiceFacts s : byLane.values()) {
      if (readyEndpoints(s.name()) > 0) {
        ready.add(s.lane());
      }
    }
    if (ready.isEmpty()) {
      return null;
    }
    Collections.sort(ready);
    String portLane = ready.contains(Lane.PROD) ? Lane.PROD : ready.get(0);
    return new RouteEntry(ready, byLane.get(portLane).port());
  }

  private int readyEndpoints(String service) {
    Map<String, Integer> slices = readyBySlice.get(service);
    if (slices == null) {
      return 0;
    }
    int n = 0;
    for (int ready : slices.values()) {
      n += ready;
    }
    return n;
  }
}
