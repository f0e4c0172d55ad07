package dev.lanes.gateway.store;

import dev.lanes.common.apps.AppQueries;
import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.crypto.SealedEnvs;
import dev.lanes.common.crypto.SealedGitCredentials;
import dev.lanes.common.crypto.SealedRegistryCredentials;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.db.PgErrors;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Builder;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.domain.ImageRepo;
import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Image repos in Postgres. Every failure is a {@code ClientError} or the database's own. Git
 * credentials are sealed with {@link SecretBox} before they are written; what this store answers
 * carries them masked.
 */
public final class ImageRepoStore {

  private static final String COLUMNS =
      "name, registry, git_repo, context_dir, dockerfile, no_cache, git_credentials_type,"
          + " git_username, git_known_hosts, registry_credentials_shown, builder, build_args,"
          + " cache_repo, build_secret_names, created_at, updated_at";
  private static final String INSERT =
      "insert into image_repos (name, registry, git_repo, context_dir, dockerfile, no_cache,"
          + " git_credentials, git_credentials_type, git_username, git_known_hosts,"
          + " registry_credentials, registry_credentials_shown, builder, build_args, cache_repo,"
          + " build_secrets, build_secret_names) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
          + " $11, $12, $13, $14, $15, $16, $17) returning "
          + COLUMNS;
  private static final String SELECT = "select " + COLUMNS + " from image_repos where name = $1";
  private static final String SELECT_FOR_UPDATE =
      "select "
          + COLUMNS
          + ", git_credentials, registry_credentials, build_secrets from image_repos where name = $1"
          + " for update";
  private static final String LIST =
      "select " + COLUMNS + " from image_repos where name > $1 order by name limit $2";
  private static final String UPDATE =
      "update image_repos set registry = $2, git_repo = $3, context_dir = $4, dockerfile = $5,"
          + " no_cache = $6, git_credentials = $7, git_credentials_type = $8, git_username = $9,"
          + " git_known_hosts = $10, registry_credentials = $11, registry_credentials_shown = $12,"
          + " builder = $13, build_args = $14, cache_repo = $15, build_secrets = $16,"
          + " build_secret_names = $17, updated_at = now() where name = $1 returning "
          + COLUMNS;
  private static final String USERS =
      "select name from apps where image_repo = $1 order by name limit 6";
  private static final String DELETE = "delete from image_repos where name = $1";

  private final Database db;
  private final SecretBox secrets;

  public ImageRepoStore(Database db, SecretBox secrets) {
    this.db = db;
    this.secrets = secrets;
  }

  /**
   * @return the stored repo, with its timestamps
   * @throws ClientError {@code image_repo_exists}
   */
  public Future<ImageRepo> insert(Actor actor, ImageRepo repo) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(INSERT)
                    .execute(params(repo))
                    .map(rows -> map(rows.iterator().next()))
                    .compose(
                        stored ->
                            AuditLog.append(
                                tx,
                                audit(actor, AuditAction.IMAGE_REPO_CREATE, stored, null),
                                stored)))
        .recover(e -> Future.failedFuture(translateInsert(e, repo.name())));
  }

  /**
   * What the audit log says of a change: the names of the fields that changed (every field of a new
   * repo), not their values: a git URL may carry a token.
   */
  private static AuditEntry audit(
      Actor actor, AuditAction action, ImageRepo after, ImageRepo before) {
    List<String> fields = new ArrayList<>();
    addIf(fields, "registry", before == null || !before.registry().equals(after.registry()));
    addIf(fields, "git_repo", before == null || !before.gitRepo().equals(after.gitRepo()));
    addIf(fields, "context_dir", before == null || !before.contextDir().equals(after.contextDir()));
    addIf(fields, "dockerfile", before == null || !before.dockerfile().equals(after.dockerfile()));
    addIf(fields, "no_cache", before == null || before.noCache() != after.noCache());
    addIf(fields, "builder", before == null || before.builder() != after.builder());
    addIf(
        fields,
        "build_args",
        before == null
            ? !after.buildArgs().isEmpty()
            : !before.buildArgs().equals(after.buildArgs()));
    addIf(
        fields,
        "cache_repo",
        before == null
            ? after.cacheRepo() != null
            : !Objects.equals(before.cacheRepo(), after.cacheRepo()));
    // the name only: neither the user name nor anything of the password
    addIf(
        fields,
        "git_credentials",
        before == null
            ? after.gitCredentials() != null
            : !Objects.equals(before.gitCredentials(), after.gitCredentials()));
    addIf(
        fields,
        "registry_credentials",
        before == null
            ? after.registryCredentials() != null
            : !Objects.equals(before.registryCredentials(), after.registryCredentials()));
    // the field, never a name or value: names may say what a secret is for
    addIf(
        fields,
        "build_secrets",
        before == null
            ? !after.buildSecrets().isEmpty()
            : !before.buildSecrets().equals(after.buildSecrets()));
    return AuditEntry.succeeded(
        actor, action, after.name(), new JsonObject().put("fields", new JsonArray(fields)));
  }

  private static void addIf(List<String> fields, String name, boolean changed) {
    if (changed) {
      fields.add(name);
    }
  }

  /**
   * @throws ClientError {@code image_repo_not_found}
   */
  public Future<ImageRepo> get(String name) {
    return db.client().preparedQuery(SELECT).execute(Tuple.of(name)).map(rows -> one(rows, name));
  }

  /** A page of repos with names after {@code after} ({@code ""} for the first page). */
  public Future<Page<ImageRepo>> list(String after, int limit) {
    return db.client()
        .preparedQuery(LIST)
        .execute(Tuple.of(after, limit + 1))
        .map(rows -> Page.of(all(rows), limit, ImageRepo::name));
  }

  /**
   * Applies {@code change} to the current repo under a row lock and stores the result. {@code
   * change} may throw a {@link ClientError}; nothing is written then.
   *
   * @throws ClientError {@code image_repo_not_found}
   */
  public Future<ImageRepo> update(Actor actor, String name, UnaryOperator<ImageRepo> change) {
    return db.pool().withTransaction(tx -> lockAndUpdate(tx, actor, name, change));
  }

  private Future<ImageRepo> lockAndUpdate(
      SqlConnection tx, Actor actor, String name, UnaryOperator<ImageRepo> change) {
    return tx.preparedQuery(SELECT_FOR_UPDATE)
        .execute(Tuple.of(name))
        .map(rows -> inClear(rows, name))
        .compose(before -> writeChange(tx, actor, before, change.apply(before)));
  }

  /** Both sides in clear, so that the audit sees a replaced password as a change. */
  private Future<ImageRepo> writeChange(
      SqlConnection tx, Actor actor, ImageRepo before, ImageRepo after) {
    return write(tx, after)
        .compose(
            stored ->
                AuditLog.append(
                    tx, audit(actor, AuditAction.IMAGE_REPO_UPDATE, after, before), stored));
  }

  private Future<ImageRepo> write(SqlConnection tx, ImageRepo repo) {
    return tx.preparedQuery(UPDATE).execute(params(repo)).map(rows -> map(rows.iterator().next()));
  }

  /** The row's values, the credentials sealed: their password never reaches the database. */
  private Tuple params(ImageRepo repo) {
    GitCredentials creds = repo.gitCredentials();
    RegistryCredentials registryCreds = repo.registryCredentials();
    return Tuple.tuple()
        .addString(repo.name())
        .addString(repo.registry())
        .addString(repo.gitRepo())
        .addString(repo.contextDir())
        .addString(repo.dockerfile())
        .addBoolean(repo.noCache())
        .addBuffer(creds == null ? null : Buffer.buffer(SealedGitCredentials.seal(secrets, creds)))
        .addString(creds == null ? null : creds.type())
        .addString(creds == null ? null : creds.username())
        .addString(creds == null ? null : creds.knownHosts())
        .addBuffer(
            registryCreds == null
                ? null
                : Buffer.buffer(SealedRegistryCredentials.seal(secrets, registryCreds)))
        .addValue(registryCreds == null ? null : Json.toJson(registryCreds.masked()))
        .addString(repo.builder().value())
        .addValue(new JsonObject(new java.util.TreeMap<String, Object>(repo.buildArgs())))
        .addString(repo.cacheRepo())
        .addBuffer(
            repo.buildSecrets().isEmpty()
                ? null
                : Buffer.buffer(SealedEnvs.seal(secrets, repo.buildSecrets())))
        .addArrayOfString(repo.buildSecrets().keySet().stream().sorted().toArray(String[]::new));
  }

  /**
   * @throws ClientError {@code image_repo_not_found}, {@code image_repo_in_use}
   */
  public Future<Void> delete(Actor actor, String name) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(USERS)
                    .execute(Tuple.of(name))
                    .compose(users -> requireUnused(name, users))
                    .compose(v -> tx.preparedQuery(DELETE).execute(Tuple.of(name)))
                    .map(rows -> requireDeleted(rows, name))
                    .compose(
                        v ->
                            AuditLog.append(
                                tx,
                                AuditEntry.succeeded(
                                    actor, AuditAction.IMAGE_REPO_DELETE, name, new JsonObject()))))
        .recover(e -> Future.failedFuture(translateDelete(e, name)));
  }

  private static Future<Void> requireUnused(String name, RowSet<Row> users) {
    if (users.size() == 0) {
      return Future.succeededFuture();
    }
    List<String> apps = new ArrayList<>();
    users.forEach(r -> apps.add(r.getString(0)));
    String list =
        apps.size() > 5 ? String.join(", ", apps.subList(0, 5)) + ", ..." : String.join(", ", apps);
    return Future.failedFuture(
        new ClientError(
            ErrorCode.IMAGE_REPO_IN_USE,
            "image repo '"
                + name
                + "' is used by apps: "
                + list
                + "; change or delete them first"));
  }

  private static Void requireDeleted(RowSet<Row> rows, String name) {
    if (rows.rowCount() == 0) {
      throw notFound(name);
    }
    return null;
  }

  private static Throwable translateInsert(Throwable e, String name) {
    if (PgErrors.isUniqueViolation(e)) {
      return ClientError.exists(ErrorCode.IMAGE_REPO_EXISTS, "image repo", name);
    }
    return e;
  }

  private static Throwable translateDelete(Throwable e, String name) {
    if (PgErrors.isForeignKeyViolation(e)) {
      // an app started using it between our check and the delete
      return new ClientError(
          ErrorCode.IMAGE_REPO_IN_USE, "image repo '" + name + "' is used by an app");
    }
    return e;
  }

  static ClientError notFound(String name) {
    return ClientError.notFound(ErrorCode.IMAGE_REPO_NOT_FOUND, "image repo", name);
  }

  private static ImageRepo one(RowSet<Row> rows, String name) {
    if (rows.size() == 0) {
      throw notFound(name);
    }
    return map(rows.iterator().next());
  }

  /** The locked repo with its credentials opened: a change starts from them in clear. */
  private ImageRepo inClear(RowSet<Row> rows, String name) {
    if (rows.size() == 0) {
      throw notFound(name);
    }
    Row r = rows.iterator().next();
    Buffer sealed = r.getBuffer("git_credentials");
    Buffer sealedRegistry = r.getBuffer("registry_credentials");
    Buffer sealedSecrets = r.getBuffer("build_secrets");
    ImageRepo masked = map(r);
    return new ImageRepo(
        masked.name(),
        masked.registry(),
        masked.gitRepo(),
        masked.contextDir(),
        masked.dockerfile(),
        masked.noCache(),
        masked.builder(),
        masked.buildArgs(),
        masked.cacheRepo(),
        SealedGitCredentials.open(secrets, sealed == null ? null : sealed.getBytes()),
        SealedRegistryCredentials.open(
            secrets, sealedRegistry == null ? null : sealedRegistry.getBytes()),
        SealedEnvs.open(
            secrets,
            sealedSecrets == null ? null : sealedSecrets.getBytes(),
            "the image repo's build secrets"),
        masked.createdAt(),
        masked.updatedAt());
  }

  private static List<ImageRepo> all(RowSet<Row> rows) {
    List<ImageRepo> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }

  /** The credentials as answers show them, from the columns kept in clear beside the box. */
  private static GitCredentials masked(Row r) {
    String type = r.getString("git_credentials_type");
    if (type == null) {
      return null;
    }
    return GitCredentials.SSH.equals(type)
        ? GitCredentials.ssh(null, r.getString("git_known_hosts")).masked()
        : GitCredentials.basic(r.getString("git_username"), null).masked();
  }

  /** The build secrets as answers show them: their names, each value {@code "***"}. */
  private static Map<String, String> shownBuildSecrets(Row r) {
    Map<String, String> shown = new TreeMap<>();
    for (String name : r.getArrayOfStrings("build_secret_names")) {
      shown.put(name, App.MASK);
    }
    return shown;
  }

  /** The registry credentials as answers show them: the column kept masked beside the box. */
  private static RegistryCredentials shownRegistryCredentials(Row r) {
    JsonObject shown = r.getJsonObject("registry_credentials_shown");
    return shown == null ? null : Json.read(shown, RegistryCredentials.class);
  }

  private static ImageRepo map(Row r) {
    return new ImageRepo(
        r.getString("name"),
        r.getString("registry"),
        r.getString("git_repo"),
        r.getString("context_dir"),
        r.getString("dockerfile"),
        r.getBoolean("no_cache"),
        Builder.ofStored(r.getString("builder")),
        AppQueries.stringMap(r.getJsonObject("build_args")),
        r.getString("cache_repo"),
        masked(r),
        shownRegistryCredentials(r),
        shownBuildSecrets(r),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }
}
