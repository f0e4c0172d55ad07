package dev.lanes.common.builds;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one build request changes of its image repo's settings, for that build only.
 *
 * @param buildArgs build arguments over the repo's (same name: the request's value)
 * @param noCache the request's {@code no_cache}, or {@code null} for the repo's
 */
public record BuildOverrides(Map<String, String> buildArgs, Boolean noCache) {

  public static final BuildOverrides NONE = new BuildOverrides(Map.of(), null);

  public BuildOverrides {
    buildArgs = buildArgs == null ? Map.of() : Map.copyOf(buildArgs);
  }

  /** Whether the request changes anything: such a build is never answered by an earlier one. */
  public boolean any() {
    return !buildArgs.isEmpty() || noCache != null;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("build_args", new JsonObject(new TreeMap<String, Object>(buildArgs)))
        .put("no_cache", noCache);
  }

  public static BuildOverrides fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    Map<String, String> args = new TreeMap<>();
    JsonObject given = json.getJsonObject("build_args");
    if (given != null) {
      given.forEach(e -> args.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return new BuildOverrides(args, json.getBoolean("no_cache"));
  }
}
