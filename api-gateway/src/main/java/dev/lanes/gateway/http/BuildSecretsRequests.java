package dev.lanes.gateway.http;

import dev.lanes.common.domain.Builder;
import dev.lanes.common.domain.ImageRepo;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Rules;
import dev.lanes.common.validation.Validation;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Reads an image repo's {@code build_secrets}: BuildKit secrets by name, write-only like an app's
 * {@code secret_envs} and merged the same way (a key set to {@code null} is deleted, the whole
 * field set to {@code null} deletes every key). Messages name the key, never a value.
 */
final class BuildSecretsRequests {

  static final String FIELD = "build_secrets";
  static final int MAX_SECRETS = 32;
  // a certificate bundle or a .npmrc fits; a secret is no place for a file of megabytes
  static final int MAX_VALUE = 65536;

  private BuildSecretsRequests() {}

  static UnaryOperator<Map<String, String>> read(JsonBody body) {
    if (!body.has(FIELD)) {
      return UnaryOperator.identity();
    }
    boolean clear = body.isNull(FIELD);
    Map<String, String> changes = clear ? Map.of() : body.stringMap(FIELD, true);
    if (changes == null) {
      return UnaryOperator.identity(); // not an object: the type error is recorded
    }
    Validation v = body.validation();
    changes.forEach(
        (name, value) -> {
          String path = FIELD + "." + name;
          if (Rules.checkEnvName(v, path, name) && value != null) {
            // line breaks allowed: a certificate or an .npmrc is a secret as well
            v.check(!value.isEmpty(), path, "must not be empty");
            v.check(
                value.length() <= MAX_VALUE, path, "must be at most " + MAX_VALUE + " characters");
          }
        });
    return current -> merged(current, changes, clear);
  }

  private static Map<String, String> merged(
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

  /**
   * Refuses build secrets the repo's builder cannot keep out of the image: Kaniko has no secret
   * mounts, and a secret given to it as a build argument or a file of the context ends in a layer
   * or the image's history.
   */
  static void checkBuilder(ImageRepo repo) {
    Validation v = new Validation();
    v.check(
        repo.buildSecrets().size() <= MAX_SECRETS,
        FIELD,
        "must be at most " + MAX_SECRETS + " secrets");
    v.check(
        repo.buildSecrets().isEmpty() || repo.builder() == Builder.BUILDKIT,
        FIELD,
        "need builder buildkit: Kaniko cannot keep a secret out of the image's layers (BuildKit"
            + " mounts it for one RUN step: RUN --mount=type=secret,id=NAME)");
    v.throwIfInvalid();
  }
}
