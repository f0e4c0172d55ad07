package dev.lanes.common.db;

import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Resources;
import dev.lanes.common.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.util.Map;
import java.util.TreeMap;

/** The columns of an app and how a row becomes an {@link App} (secret values stay sealed). */
public final class AppRows {

  public static final String COLUMNS =
      "name, description, image_repo, port, command, args, envs, secret_env_names, replicas,"
          + " resources, health_path, service_account, created_at, updated_at";

  private AppRows() {}

  public static App map(Row r) {
    return new App(
        r.getString("name"),
        r.getString("description"),
        r.getString("image_repo"),
        r.getInteger("port"),
        Rows.stringList(r, "command"),
        Rows.stringList(r, "args"),
        Rows.stringMap(r, "envs"),
        masked(r.getArrayOfStrings("secret_env_names")),
        r.getInteger("replicas"),
        resources(r.getJsonObject("resources")),
        r.getString("health_path"),
        r.getString("service_account"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }

  private static Map<String, String> masked(String[] names) {
    Map<String, String> out = new TreeMap<>();
    if (names != null) {
      for (String n : names) {
        out.put(n, App.MASK);
      }
    }
    return out;
  }

  private static Resources resources(JsonObject json) {
    return json == null ? null : Json.MAPPER.convertValue(json.getMap(), Resources.class);
  }
}
