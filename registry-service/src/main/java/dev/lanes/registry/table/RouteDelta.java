package dev.lanes.registry.table;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One change of the route table: the entries that are new or different ({@code upserts}, whole
 * entries) and the services that left it ({@code removes}), taking the table from {@code previous}
 * to {@code version}.
 */
public record RouteDelta(
    long version, long previous, Map<String, RouteEntry> upserts, List<String> removes) {

  public RouteDelta {
    upserts = Map.copyOf(upserts);
    removes = List.copyOf(removes);
  }

  /**
   * This delta followed by {@code next}, as one: from this one's {@code previous} to {@code next}'s
   * version. A service upserted then removed is only removed (a subscriber that never had it
   * ignores the remove); one removed then upserted is only upserted.
   */
  public RouteDelta then(RouteDelta next) {
    if (next.previous() != version) {
      throw new IllegalArgumentException(
          "delta " + next.previous() + " -> " + next.version() + " does not follow " + version);
    }
    Map<String, RouteEntry> up = new HashMap<>(upserts);
    Set<String> gone = new LinkedHashSet<>(removes);
    for (String service : next.removes()) {
      up.remove(service);
      gone.add(service);
    }
    for (Map.Entry<String, RouteEntry> e : next.upserts().entrySet()) {
      gone.remove(e.getKey());
      up.put(e.getKey(), e.getValue());
    }
    return new RouteDelta(next.version(), previous, up, new ArrayList<>(gone));
  }

  public JsonObject toJson() {
    JsonObject up = new JsonObject();
    upserts.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> up.put(e.getKey(), e.getValue().toJson()));
    return new JsonObject()
        .put("version", version)
        .put("previous", previous)
        .put("upserts", up)
        .put("removes", new JsonArray(removes));
  }
}
