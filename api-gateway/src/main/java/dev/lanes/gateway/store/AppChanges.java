package dev.lanes.gateway.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed between two states of an app, by name only, for the audit log: the fields, the env
 * keys and the secret env keys that were added, changed or removed. Never a value: a secret env's
 * value must not reach the log, and a plain env's may be as sensitive to whoever set it.
 */
final class AppChanges {

  private AppChanges() {}

  /** The details of a create: every field set apart from the defaults of a new app. */
  static JsonObject created(AppSpec after) {
    return between(AppSpec.defaults(after.name()), after);
  }

  static JsonObject between(AppSpec before, AppSpec after) {
    List<String> fields = new ArrayList<>();
    addIf(fields, "description", before.description(), after.description());
    addIf(fields, "image_repo", before.imageRepo(), after.imageRepo());
    addIf(fields, "port", before.port(), after.port());
    addIf(fields, "command", before.command(), after.command());
    addIf(fields, "args", before.args(), after.args());
    addIf(fields, "envs", before.envs(), after.envs());
    addIf(fields, "secret_envs", before.secretEnvs(), after.secretEnvs());
    addIf(fields, "replicas", before.replicas(), after.replicas());
    addIf(fields, "resources", before.resources(), after.resources());
    addIf(fields, "health_path", before.healthPath(), after.healthPath());
    addIf(fields, "service_account", before.serviceAccount(), after.serviceAccount());
    JsonObject details = new JsonObject().put("fields", new JsonArray(fields));
    List<String> envs = changedKeys(before.envs(), after.envs());
    if (!envs.isEmpty()) {
      details.put("envs", new JsonArray(envs));
    }
    List<String> secrets = changedKeys(before.secretEnvs(), after.secretEnvs());
    if (!secrets.isEmpty()) {
      details.put("secret_envs", new JsonArray(secrets));
    }
    return details;
  }

  private static void addIf(List<String> fields, String name, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      fields.add(name);
    }
  }

  /** The keys added, removed or given another value, sorted. */
  static List<String> changedKeys(Map<String, String> before, Map<String, String> after) {
    TreeSet<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(after.keySet());
    keys.removeIf(k -> Objects.equals(before.get(k), after.get(k)));
    return List.copyOf(keys);
  }
}
