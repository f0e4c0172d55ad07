package dev.lanes.gateway.store;

import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Resources;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The writable state of an app, secret values included in clear. It exists only between a request
 * and the store; the store seals {@code secretEnvs} before they reach the database.
 */
public record AppSpec(
    String name,
    String description,
    String imageRepo,
    int port,
    List<String> command,
    List<String> args,
    Map<String, String> envs,
    Map<String, String> secretEnvs,
    int replicas,
    Resources resources,
    String healthPath,
    String serviceAccount) {

  public AppSpec {
    command = List.copyOf(command);
    args = List.copyOf(args);
    envs = java.util.Collections.unmodifiableMap(new TreeMap<>(envs));
    secretEnvs = java.util.Collections.unmodifiableMap(new TreeMap<>(secretEnvs));
  }

  /** A new app's state before its request is applied. */
  public static AppSpec defaults(String name) {
    return new AppSpec(
        name,
        "",
        null,
        0,
        List.of(),
        List.of(),
        Map.of(),
        Map.of(),
        App.DEFAULT_REPLICAS,
        null,
        null,
        null);
  }
}
