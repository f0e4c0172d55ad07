package dev.lanes.gateway.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading column values into the domain's types. */
final class Rows {

  private Rows() {}

  static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  static List<String> stringList(Row row, String column) {
    Object value = row.getValue(column);
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  static Map<String, String> stringMap(Row row, String column) {
    Object value = row.getValue(column);
    if (!(value instanceof JsonObject object)) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    object.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    return out;
  }

  static JsonObject json(Map<String, String> map) {
    return new JsonObject(new LinkedHashMap<>(map));
  }

  static JsonArray json(List<String> list) {
    return new JsonArray(List.copyOf(list));
  }
}
