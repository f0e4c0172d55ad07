package dev.lanes.common.apps;

import dev.lanes.common.db.AppRows;
import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Builder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The read-only queries the gateway publishes on its tables {@code apps} and {@code image_repos}
 * for the services that build and release apps. Static, so a caller reads inside its own
 * transaction; the {@code for share} ones hold the app until that transaction ends, so it cannot be
 * deleted or repointed under a build or release being recorded.
 */
public final class AppQueries {

  private static final String IMAGE_SOURCE =
      "select a.name, r.name as repo, r.registry, r.git_repo, r.context_dir, r.dockerfile,"
          + " r.no_cache, r.builder, r.build_args, r.cache_repo from apps a left join image_repos r on r.name = a.image_repo where"
          + " a.name = $1 for share of a";
  private static final String RELEASE_DEFAULTS =
      "select name, image_repo, replicas, port from apps where name = $1 for share";
  private static final String WITH_GIT_CREDENTIALS =
      "select name from image_repos where git_credentials is not null and name = any($1)";
  private static final String WITH_REGISTRY_CREDENTIALS =
      "select name from image_repos where registry_credentials is not null and name = any($1)";
  private static final String WITH_BUILD_SECRETS =
      "select name from image_repos where build_secrets is not null and name = any($1)";
  private static final String BUILD_SECRETS =
      "select build_secrets from image_repos where name = $1";
  private static final String REGISTRY_CREDENTIALS =
      "select registry_credentials from image_repos where name = $1";
  private static final String GIT_CREDENTIALS =
      "select git_credentials from image_repos where name = $1";
  private static final String SEALED =
      "select " + AppRows.COLUMNS + ", secret_envs from apps where name = $1";

  /**
   * Where an app's image comes from: its image repo's settings, all {@code null} when the app has
   * no image repo.
   */
  public record ImageSource(
      String app,
      String imageRepo,
      String registry,
      String gitRepo,
      String contextDir,
      String dockerfile,
      boolean noCache,
      Builder builder,
      Map<String, String> buildArgs,
      String cacheRepo) {}

  /** What a new release of an app starts from. {@code port} 0: a worker without a Service. */
  public record ReleaseDefaults(String name, String imageRepo, int replicas, int port) {}

  /** An app with its secret values still sealed ({@code null}: it has none). */
  public record Sealed(App app, byte[] secretEnvs) {}

  private AppQueries() {}

  /** The app and its image repo, held for share. */
  public static Future<Optional<ImageSource>> imageSourceForShare(SqlClient client, String app) {
    return client
        .preparedQuery(IMAGE_SOURCE)
        .execute(Tuple.of(app))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new ImageSource(
                      r.getString("name"),
                      r.getString("repo"),
                      r.getString("registry"),
                      r.getString("git_repo"),
                      r.getString("context_dir"),
                      r.getString("dockerfile"),
                      Boolean.TRUE.equals(r.getBoolean("no_cache")),
                      Builder.ofStored(r.getString("builder")),
                      stringMap(r.getJsonObject("build_args")),
                      r.getString("cache_repo")));
            });
  }

  /** A jsonb object of strings, e.g. an image repo's {@code build_args}; empty when null. */
  public static Map<String, String> stringMap(JsonObject json) {
    Map<String, String> out = new TreeMap<>();
    if (json != null) {
      json.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return out;
  }

  /** The app's release defaults, held for share. */
  public static Future<Optional<ReleaseDefaults>> releaseDefaultsForShare(
      SqlClient client, String app) {
    return client
        .preparedQuery(RELEASE_DEFAULTS)
        .execute(Tuple.of(app))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new ReleaseDefaults(
                      r.getString("name"),
                      r.getString("image_repo"),
                      r.getInteger("replicas"),
                      r.getInteger("port")));
            });
  }

  /**
   * An image repo's git credentials, still sealed ({@link
   * dev.lanes.common.crypto.SealedGitCredentials} opens them); empty when the repo has none or no
   * longer exists. Read when a build needs them, not copied into the build: removing them stops
   * their use at the next step of every build.
   */
  public static Future<Optional<byte[]>> sealedGitCredentials(SqlClient client, String imageRepo) {
    return sealedColumn(client, GIT_CREDENTIALS, "git_credentials", imageRepo);
  }

  /** Which of {@code imageRepos} exist and have git credentials. */
  public static Future<Set<String>> withGitCredentials(SqlClient client, List<String> imageRepos) {
    return names(client, WITH_GIT_CREDENTIALS, imageRepos);
  }

  /** Which of {@code imageRepos} exist and have build secrets. */
  public static Future<Set<String>> withBuildSecrets(SqlClient client, List<String> imageRepos) {
    return names(client, WITH_BUILD_SECRETS, imageRepos);
  }

  /**
   * An image repo's build secrets, still sealed ({@link dev.lanes.common.crypto.SealedEnvs} opens
   * them); empty when it has none.
   */
  public static Future<Optional<byte[]>> sealedBuildSecrets(SqlClient client, String imageRepo) {
    return sealedColumn(client, BUILD_SECRETS, "build_secrets", imageRepo);
  }

  /** Which of {@code imageRepos} exist and have registry credentials. */
  public static Future<Set<String>> withRegistryCredentials(
      SqlClient client, List<String> imageRepos) {
    return names(client, WITH_REGISTRY_CREDENTIALS, imageRepos);
  }

  /**
   * An image repo's registry credentials, still sealed ({@link
   * dev.lanes.common.crypto.SealedRegistryCredentials} opens them); empty when it has none.
   */
  public static Future<Optional<byte[]>> sealedRegistryCredentials(
      SqlClient client, String imageRepo) {
    return sealedColumn(client, REGISTRY_CREDENTIALS, "registry_credentials", imageRepo);
  }

  /** One sealed column of an image repo's row; empty when the repo or the value is not there. */
  private static Future<Optional<byte[]>> sealedColumn(
      SqlClient client, String sql, String column, String imageRepo) {
    return client
        .preparedQuery(sql)
        .execute(Tuple.of(imageRepo))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Buffer sealed = rows.iterator().next().getBuffer(column);
              return Optional.ofNullable(sealed == null ? null : sealed.getBytes());
            });
  }

  private static Future<Set<String>> names(SqlClient client, String sql, List<String> imageRepos) {
    return client
        .preparedQuery(sql)
        .execute(Tuple.of(imageRepos.toArray(String[]::new)))
        .map(
            rows -> {
              Set<String> names = new HashSet<>();
              rows.forEach(r -> names.add(r.getString("name")));
              return names;
            });
  }

  /** The app with its sealed secret values, to be opened by the one service that applies them. */
  public static Future<Optional<Sealed>> withSealedSecrets(SqlClient client, String app) {
    return client
        .preparedQuery(SEALED)
        .execute(Tuple.of(app))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row row = rows.iterator().next();
              Buffer sealed = row.getBuffer("secret_envs");
              return Optional.of(
                  new Sealed(AppRows.map(row), sealed == null ? null : sealed.getBytes()));
            });
  }
}
