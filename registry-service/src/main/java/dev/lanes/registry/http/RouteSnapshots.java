package dev.lanes.registry.http;

import dev.lanes.registry.table.RouteBook;
import dev.lanes.registry.table.RouteEntry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The JSON of the whole table, built once per version: a thousand pollers of an unchanged table
 * share one buffer.
 */
final class RouteSnapshots {

  private final RouteBook book;
  private long cachedVersion = -1;
  private JsonObject cachedJson;
  private Buffer cached;

  RouteSnapshots(RouteBook book) {
    this.book = book;
  }

  JsonObject json() {
    refresh();
    return cachedJson;
  }

  Buffer buffer() {
    refresh();
    return cached;
  }

  private void refresh() {
    if (cachedVersion == book.version() && cached != null) {
      return;
    }
    JsonObject services = new JsonObject();
    for (Map.Entry<String, RouteEntry> e : book.routes().entrySet()) {
      services.put(e.getKey(), e.getValue().toJson());
    }
    cachedJson =
        new JsonObject()
            .put("services", services)
            .put("version", book.version())
            .put("updated_at", book.updatedAt().toString());
    cached = cachedJson.toBuffer();
    cachedVersion = book.version();
  }
}
