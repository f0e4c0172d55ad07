package dev.lanes.registry.table;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Where a service can be reached: the lanes that have at least one ready endpoint (sorted) and the
 * port of its Services.
 */
public record RouteEntry(List<String> lanes, int port) {

  public RouteEntry {
    lanes = List.copyOf(lanes);
  }

  public JsonObject toJson() {
    return new JsonObject().put("lanes", new JsonArray(lanes)).put("port", port);
  }
}
