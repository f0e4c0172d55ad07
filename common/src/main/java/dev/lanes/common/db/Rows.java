package dev.lanes.common.db;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reading column values into the domain's types, and domain values into column values. */
public final class Rows {

  private Rows() {}

  public static Instant instant(Row row, String column) {
    OffsetDateTime t = row.getOffsetDateTime(column);
    return t == null ? null : t.toInstant();
  }

  public static List<String> stringList(Row row, String column) {
    Object value = row.getValue(column);
    if (value instanceof JsonArray array) {
      return array.stream().map(String::valueOf).toList();
    }
    return List.of();
  }

  public static Map<String, String> stringMap(Row row, String column) {
    Object value = row.getValue(column);
    if (!(value instanceof JsonObject object)) {
      return Map.of();
    }
    Map<String, String> out = new TreeMap<>();
    object.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    return out;
  }

  public static JsonObject json(Map<String, String> map) {
    return new JsonObject(new LinkedHashMap<>(map));
  }

  public static JsonArray json(List<String> list) {
    return new JsonArray(List.copyOf(list));
  }
}
