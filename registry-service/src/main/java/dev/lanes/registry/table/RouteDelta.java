package dev.lanes.registry.table;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

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
