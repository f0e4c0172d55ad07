package dev.lanes.gateway.store;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.crypto.SealedEnvs;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.AppRows;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.db.PgErrors;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Resources;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.json.Json;
import dev.lanes.common.releases.ReleaseQueries;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Apps in Postgres. Secret envs are sealed with {@link SecretBox} before they are written; what
 * this store answers carries only their names, each mapped to {@code "***"}.
 */
public final class AppStore {

  private static final String COLUMNS = AppRows.COLUMNS;
  private static final String INSERT =
      "insert into apps (name, description, image_repo, port, command, args, envs, secret_envs,"
          + " secret_env_names, replicas, resources, health_path, service_account) values ($1,"
          + " $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning "
          + COLUMNS;
  private static final String SELECT = "select " + COLUMNS + " from apps where name = $1";
  private static final String SELECT_FOR_UPDATE =
      "select " + COLUMNS + ", secret_envs from apps where name = $1 for update";
  private static final String LIST =
      "select " + COLUMNS + " from apps where name > $1 order by name limit $2";
  private static final String UPDATE =
      "update apps set description = $2, image_repo = $3, port = $4, command = $5, args = $6,"
          + " envs = $7, secret_envs = $8, secret_env_names = $9, replicas = $10, resources ="
          + " $11, health_path = $12, service_account = $13, updated_at = now() where name = $1"
          + " returning "
          + COLUMNS;
  private static final String DELETE = "delete from apps where name = $1";

  private final Database db;
  private final SecretBox secrets;

  public AppStore(Database db, SecretBox secrets) {
    this.db = db;
    this.secrets = secrets;
  }

  /**
   * @throws ClientError {@code app_exists}, {@code image_repo_not_found}
   */
  public Future<App> insert(Actor actor, AppSpec spec) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(INSERT)
                    .execute(params(spec))
                    .map(rows -> map(rows.iterator().next()))
                    .compose(
                        app ->
                            AuditLog.append(
                                tx,
                                AuditEntry.succeeded(
                                    actor,
                                    AuditAction.APP_CREATE,
                                    app.name(),
                                    AppChanges.created(spec)),
                                app)))
        .recover(e -> Future.failedFuture(translateWrite(e, spec)));
  }

  /**
   * @throws ClientError {@code app_not_found}
   */
  public Future<App> get(String name) {
    return db.client().preparedQuery(SELECT).execute(Tuple.of(name)).map(rows -> one(rows, name));
  }

  public Future<Page<App>> list(String after, int limit) {
    return db.client()
        .preparedQuery(LIST)
        .execute(Tuple.of(after, limit + 1))
        .map(rows -> Page.of(all(rows), limit, App::name));
  }

  /**
   * Applies {@code change} to the app's current state (secret values in clear) under a row lock,
   * and stores the result. {@code change} may throw a {@link ClientError}; nothing is written then.
   *
   * @throws ClientError {@code app_not_found}, {@code image_repo_not_found}
   */
  public Future<App> update(Actor actor, String name, UnaryOperator<AppSpec> change) {
    return db.pool().withTransaction(tx -> lockAndUpdate(tx, actor, name, change));
  }

  private Future<App> lockAndUpdate(
      SqlConnection tx, Actor actor, String name, UnaryOperator<AppSpec> change) {
    return tx.preparedQuery(SELECT_FOR_UPDATE)
        .execute(Tuple.of(name))
        .map(rows -> spec(firstRow(rows, name)))
        .compose(
            before -> {
              AppSpec after = change.apply(before);
              return write(tx, after)
                  .compose(
                      app ->
                          AuditLog.append(
                              tx,
                              AuditEntry.succeeded(
                                  actor,
                                  AuditAction.APP_UPDATE,
                                  name,
                                  AppChanges.between(before, after)),
                              app));
            });
  }

  private Future<App> write(SqlConnection tx, AppSpec spec) {
    return tx.preparedQuery(UPDATE)
        .execute(params(spec))
        .map(rows -> map(rows.iterator().next()))
        .recover(e -> Future.failedFuture(translateWrite(e, spec)));
  }

  /**
   * Deletes the app and its builds.
   *
   * @throws ClientError {@code app_not_found}, {@code app_has_releases}
   */
  public Future<Void> delete(Actor actor, String name) {
    return db.pool()
        .withTransaction(
            tx ->
                ReleaseQueries.lanesOf(tx, name, 6)
                    .compose(lanes -> requireNoReleases(name, lanes))
                    .compose(v -> tx.preparedQuery(DELETE).execute(Tuple.of(name)))
                    .compose(rows -> requireDeleted(rows, name))
                    .compose(
                        v ->
                            AuditLog.append(
                                tx,
                                AuditEntry.succeeded(
                                    actor, AuditAction.APP_DELETE, name, new JsonObject()))))
        .recover(e -> Future.failedFuture(translateDelete(e, name)));
  }

  private static Future<Void> requireNoReleases(String name, List<String> lanes) {
    if (lanes.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.failedFuture(
        new ClientError(
            ErrorCode.APP_HAS_RELEASES,
            "app '"
                + name
                + "' has releases in lanes: "
                + String.join(", ", lanes.subList(0, Math.min(5, lanes.size())))
                + (lanes.size() > 5 ? ", ..." : "")
                + "; undeploy them first"));
  }

  private static Future<Void> requireDeleted(RowSet<Row> rows, String name) {
    return rows.rowCount() == 0 ? Future.failedFuture(notFound(name)) : Future.succeededFuture();
  }

  private Tuple params(AppSpec s) {
    Tuple t = Tuple.tuple();
    t.addString(s.name())
        .addString(s.description())
        .addString(s.imageRepo())
        .addInteger(s.port())
        .addValue(Rows.json(s.command()))
        .addValue(Rows.json(s.args()))
        .addValue(Rows.json(s.envs()))
        .addBuffer(s.secretEnvs().isEmpty() ? null : Buffer.buffer(seal(s.secretEnvs())))
        .addArrayOfString(s.secretEnvs().keySet().toArray(String[]::new))
        .addInteger(s.replicas())
        .addValue(s.resources() == null ? null : JsonObject.mapFrom(resourcesJson(s.resources())))
        .addString(s.healthPath())
        .addString(s.serviceAccount());
    return t;
  }

  private static Map<String, Object> resourcesJson(Resources r) {
    return Json.MAPPER.convertValue(r, new TypeReference<Map<String, Object>>() {});
  }

  private byte[] seal(Map<String, String> values) {
    return SealedEnvs.seal(secrets, values);
  }

  private Map<String, String> open(Buffer sealed) {
    return SealedEnvs.open(secrets, sealed == null ? null : sealed.getBytes());
  }

  private AppSpec spec(Row r) {
    App app = map(r);
    return new AppSpec(
        app.name(),
        app.description(),
        app.imageRepo(),
        app.port(),
        app.command(),
        app.args(),
        app.envs(),
        open(r.getBuffer("secret_envs")),
        app.replicas(),
        app.resources(),
        app.healthPath(),
        app.serviceAccount());
  }

  private static Throwable translateWrite(Throwable e, AppSpec spec) {
    if (PgErrors.isUniqueViolation(e)) {
      return ClientError.exists(ErrorCode.APP_EXISTS, "app", spec.name());
    }
    if (PgErrors.isForeignKeyViolation(e)) {
      String detail = "image repo '" + spec.imageRepo() + "' does not exist";
      return new ClientError(
          ErrorCode.IMAGE_REPO_NOT_FOUND, detail, List.of(new FieldError("image_repo", detail)));
    }
    return e;
  }

  private static Throwable translateDelete(Throwable e, String name) {
    if (PgErrors.isForeignKeyViolation(e)) {
      // a release was created between our check and the delete
      return new ClientError(ErrorCode.APP_HAS_RELEASES, "app '" + name + "' has releases");
    }
    return e;
  }

  static ClientError notFound(String name) {
    return ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", name);
  }

  private static Row firstRow(RowSet<Row> rows, String name) {
    if (rows.size() == 0) {
      throw notFound(name);
    }
    return rows.iterator().next();
  }

  private static App one(RowSet<Row> rows, String name) {
    return map(firstRow(rows, name));
  }

  private static List<App> all(RowSet<Row> rows) {
    List<App> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }

  static App map(Row r) {
    return AppRows.map(r);
  }
}
