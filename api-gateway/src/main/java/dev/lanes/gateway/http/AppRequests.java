package dev.lanes.gateway.http;

import dev.lanes.common.domain.Resources;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Rules;
import dev.lanes.common.validation.Validation;
import dev.lanes.gateway.store.AppSpec;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Reads app bodies. A PUT is a partial update: fields present are applied, {@code envs} and {@code
 * secret_envs} merge key by key, and a {@code null} value deletes a key (or, for a whole field,
 * resets it).
 */
final class AppRequests {

  private static final int MAX_ENV_VALUE = 32 * 1024;
  private static final int MAX_LIST = 256;

  /** The app a POST asks for, checked as a whole. */
  AppSpec create(JsonBody body) {
    Validation v = body.validation();
    String name = body.requiredString("name");
    if (name != null) {
      Rules.checkName(v, "name", name);
    }
    UnaryOperator<AppSpec> changes = readChanges(body);
    body.rejectUnknownFields();
    v.throwIfInvalid();
    AppSpec spec = changes.apply(AppSpec.defaults(name));
    checkWhole(spec);
    return spec;
  }

  /** The change a PUT asks for; applying it checks the merged app as a whole. */
  UnaryOperator<AppSpec> update(JsonBody body, String pathName) {
    Validation v = body.validation();
    String name = body.string("name");
    v.check(name == null || name.equals(pathName), "name", "cannot be changed");
    UnaryOperator<AppSpec> changes = readChanges(body);
    body.rejectUnknownFields();
    v.throwIfInvalid();
    return current -> {
      AppSpec next = changes.apply(current);
      checkWhole(next);
      return next;
    };
  }

  private UnaryOperator<AppSpec> readChanges(JsonBody body) {
    Validation v = body.validation();
    Field<String> description = text(body, "description", "");
    description.ifSet(d -> Rules.checkDescription(v, "description", d));
    Field<String> imageRepo = text(body, "image_repo", null);
    imageRepo.ifSet(r -> Rules.checkName(v, "image_repo", r));
    Field<Integer> port = new Field<>(body.has("port"), body.integer("port"));
    v.check(!body.isNull("port"), "port", "cannot be null; 0 makes a worker");
    port.ifSet(p -> Rules.checkPort(v, "port", p));
    Field<List<String>> command = list(body, "command");
    Field<List<String>> args = list(body, "args");
    Map<String, String> envs = envs(body, "envs");
    Map<String, String> secretEnvs = envs(body, "secret_envs");
    Field<Integer> replicas = new Field<>(body.has("replicas"), body.integer("replicas"));
    replicas.ifSet(r -> Rules.checkReplicas(v, "replicas", r));
    Field<Resources> resources = new Field<>(body.has("resources"), resources(body));
    Field<String> healthPath = text(body, "health_path", null);
    healthPath.ifSet(p -> Rules.checkHealthPath(v, "health_path", p));
    Field<String> serviceAccount = text(body, "service_account", null);
    serviceAccount.ifSet(a -> Rules.checkServiceAccount(v, "service_account", a));
    return c ->
        new AppSpec(
            c.name(),
            description.or(c.description()),
            imageRepo.or(c.imageRepo()),
            port.present() && port.value() != null ? port.value() : c.port(),
            command.or(c.command()),
            args.or(c.args()),
            merge(c.envs(), envs, body.isNull("envs")),
            merge(c.secretEnvs(), secretEnvs, body.isNull("secret_envs")),
            replicas.present() && replicas.value() == null
                ? dev.lanes.common.domain.App.DEFAULT_REPLICAS
                : replicas.or(c.replicas()),
            resources.or(c.resources()),
            healthPath.or(c.healthPath()),
            serviceAccount.or(c.serviceAccount()));
  }

  /**
   * A member that was present (possibly {@code null}) or absent. {@code or} gives the new value
   * when present, else the current one.
   */
  private record Field<T>(boolean present, T value) {
    T or(T current) {
      return present ? value : current;
    }

    void ifSet(java.util.function.Consumer<T> check) {
      if (present && value != null) {
        check.accept(value);
      }
    }
  }

  private static Field<String> text(JsonBody body, String field, String whenNull) {
    if (body.isNull(field)) {
      return new Field<>(true, whenNull);
    }
    return new Field<>(body.has(field), body.string(field));
  }

  private static Field<List<String>> list(JsonBody body, String field) {
    if (body.isNull(field)) {
      return new Field<>(true, List.of());
    }
    List<String> value = body.stringList(field);
    if (value != null) {
      body.validation()
          .check(value.size() <= MAX_LIST, field, "must have at most " + MAX_LIST + " items");
    }
    return new Field<>(body.has(field), value);
  }

  /** The entries to merge; a {@code null} value deletes its key. */
  private static Map<String, String> envs(JsonBody body, String field) {
    Map<String, String> entries = body.stringMap(field, true);
    if (entries == null) {
      return Map.of();
    }
    Validation v = body.validation();
    entries.forEach(
        (name, value) -> {
          if (Rules.checkEnvName(v, field + "." + name, name) && value != null) {
            v.check(
                value.length() <= MAX_ENV_VALUE,
                field + "." + name,
                "must be at most " + MAX_ENV_VALUE + " characters");
          }
        });
    return entries;
  }

  private static Resources resources(JsonBody body) {
    JsonBody r = body.object("resources");
    if (r == null) {
      return null;
    }
    String cpu = quantity(r, "cpu");
    String memory = quantity(r, "memory");
    JsonBody l = r.object("limits");
    Resources.Limits limits = null;
    if (l != null) {
      limits = new Resources.Limits(quantity(l, "cpu"), quantity(l, "memory"));
      l.rejectUnknownFields();
    }
    r.rejectUnknownFields();
    return new Resources(cpu, memory, limits);
  }

  private static String quantity(JsonBody body, String field) {
    String value = body.string(field);
    if (value != null) {
      Rules.checkQuantity(body.validation(), body.path(field), value);
    }
    return value;
  }

  private static Map<String, String> merge(
      Map<String, String> current, Map<String, String> changes, boolean clear) {
    Map<String, String> out = clear ? new TreeMap<>() : new TreeMap<>(current);
    changes.forEach(
        (k, value) -> {
          if (value == null) {
            out.remove(k);
          } else {
            out.put(k, value);
          }
        });
    return out;
  }

  /** Rules that concern several fields of the app as it will be stored. */
  private static void checkWhole(AppSpec spec) {
    Validation v = new Validation();
    for (String name : spec.secretEnvs().keySet()) {
      v.check(
          !spec.envs().containsKey(name),
          "secret_envs." + name,
          "is also set in envs; keep it in one of them");
    }
    Resources r = spec.resources();
    if (r != null && r.limits() != null) {
      checkLimit(v, "cpu", r.cpu(), r.limits().cpu());
      checkLimit(v, "memory", r.memory(), r.limits().memory());
    }
    v.throwIfInvalid();
  }

  private static void checkLimit(Validation v, String kind, String request, String limit) {
    if (request != null && limit != null) {
      v.check(
          Rules.quantityValue(limit).compareTo(Rules.quantityValue(request)) >= 0,
          "resources.limits." + kind,
          "must be at least the request (" + request + ")");
    }
  }
}
