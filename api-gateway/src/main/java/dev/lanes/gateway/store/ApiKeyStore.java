package dev.lanes.gateway.store;

import static dev.lanes.common.audit.AuditAction.API_KEY_CREATE;
import static dev.lanes.common.audit.AuditAction.API_KEY_REVOKE;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.db.PgErrors;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.ApiKey;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** API keys in Postgres: only the SHA-256 of each key is stored, never the key. */
public final class ApiKeyStore {

  /** A key as the authenticator needs it: its hash and what it may do. */
  public record StoredKey(
      String id,
      String name,
      byte[] hash,
      List<Scope> scopes,
      Instant expiresAt,
      Instant revokedAt) {}

  private static final String COLUMNS =
      "id, name, scopes, bootstrap, created_at, expires_at, last_used_at, revoked_at";
  private static final String INSERT =
      "insert into api_keys (id, name, hash, scopes, bootstrap, expires_at) values ($1, $2, $3,"
          + " $4, $5, $6) returning "
          + COLUMNS;
  private static final String FIND =
      "select id, name, hash, scopes, expires_at, revoked_at from api_keys where id = $1";
  private static final String SELECT =
      "select " + COLUMNS + " from api_keys where id = $1 and revoked_at is null";
  private static final String LIST =
      "select "
          + COLUMNS
          + " from api_keys where revoked_at is null and name > $1 order by name limit $2";
  private static final String OTHER_ADMINS =
      "select count(*) from api_keys where revoked_at is null and id <> $1 and 'admin' ="
          + " any(scopes) and (expires_at is null or expires_at > now())";
  private static final String REVOKE =
      "update api_keys set revoked_at = now() where id = $1 and revoked_at is null returning "
          + COLUMNS;
  private static final String TOUCH = "update api_keys set last_used_at = now() where id = $1";

  private final Database db;

  public ApiKeyStore(Database db) {
    this.db = db;
  }

  /**
   * @throws ClientError {@code api_key_exists} when an active key has that name
   */
  public Future<ApiKey> insert(
      Actor actor, String id, String name, byte[] hash, List<Scope> scopes, Instant expiresAt) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(INSERT)
                    .execute(
                        Tuple.of(
                            id,
                            name,
                            Buffer.buffer(hash),
                            scopeArray(scopes),
                            false,
                            expiresAt == null
                                ? null
                                : OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC)))
                    .map(rows -> map(rows.iterator().next()))
                    .compose(key -> AuditLog.append(tx, audit(actor, API_KEY_CREATE, key), key)))
        .recover(
            e ->
                Future.failedFuture(
                    PgErrors.isUniqueViolation(e)
                        ? ClientError.exists(ErrorCode.API_KEY_EXISTS, "API key", name)
                        : e));
  }

  /** The key with this id, revoked or not, for authentication. */
  public Future<Optional<StoredKey>> find(String id) {
    return db.client()
        .preparedQuery(FIND)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.<StoredKey>empty()
                    : Optional.of(stored(rows.iterator().next())));
  }

  /**
   * @throws ClientError {@code api_key_not_found} (revoked keys are gone)
   */
  public Future<ApiKey> get(String id) {
    return db.client().preparedQuery(SELECT).execute(Tuple.of(id)).map(rows -> one(rows, id));
  }

  public Future<Page<ApiKey>> list(String after, int limit) {
    return db.client()
        .preparedQuery(LIST)
        .execute(Tuple.of(after, limit + 1))
        .map(rows -> Page.of(all(rows), limit, ApiKey::name));
  }

  /**
   * Revokes a key. The last working admin key cannot be revoked: that would lock everyone out.
   *
   * @throws ClientError {@code api_key_not_found}, {@code forbidden} for the last admin key
   */
  public Future<ApiKey> revoke(Actor actor, String id) {
    return db.pool()
        .withTransaction(
            tx ->
                revokeUnlessLastAdmin(tx, id)
                    .compose(key -> AuditLog.append(tx, audit(actor, API_KEY_REVOKE, key), key)));
  }

  /** A key's name and scopes; never the key, which only its holder has. */
  private static AuditEntry audit(Actor actor, AuditAction action, ApiKey key) {
    return AuditEntry.succeeded(
        actor,
        action,
        key.id(),
        new JsonObject()
            .put("name", key.name())
            .put("scopes", new JsonArray(Arrays.asList(scopeArray(key.scopes())))));
  }

  private Future<ApiKey> revokeUnlessLastAdmin(SqlConnection tx, String id) {
    return tx.preparedQuery(SELECT + " for update")
        .execute(Tuple.of(id))
        .map(rows -> one(rows, id))
        .compose(key -> key.scopes().contains(Scope.ADMIN) ? requireOtherAdmin(tx, id) : ok())
        .compose(v -> tx.preparedQuery(REVOKE).execute(Tuple.of(id)))
        .map(rows -> one(rows, id));
  }

  private Future<Void> requireOtherAdmin(SqlConnection tx, String id) {
    return tx.preparedQuery(OTHER_ADMINS)
        .execute(Tuple.of(id))
        .compose(
            rows ->
                rows.iterator().next().getLong(0) > 0
                    ? ok()
                    : Future.failedFuture(
                        new ClientError(
                            ErrorCode.LAST_ADMIN_KEY,
                            "key '" + id + "' is the last admin key; create another one first")));
  }

  /** Records that the key was used; best effort. */
  public Future<Void> touch(String id) {
    return db.client().preparedQuery(TOUCH).execute(Tuple.of(id)).mapEmpty();
  }

  private static Future<Void> ok() {
    return Future.succeededFuture();
  }

  static String[] scopeArray(List<Scope> scopes) {
    return scopes.stream().map(Scope::value).toArray(String[]::new);
  }

  private static List<Scope> scopes(Row r) {
    return Arrays.stream(r.getArrayOfStrings("scopes"))
        .map(Scope::parse)
        .flatMap(Optional::stream)
        .sorted()
        .toList();
  }

  private static StoredKey stored(Row r) {
    return new StoredKey(
        r.getString("id"),
        r.getString("name"),
        r.getBuffer("hash").getBytes(),
        scopes(r),
        Rows.instant(r, "expires_at"),
        Rows.instant(r, "revoked_at"));
  }

  private static ApiKey one(RowSet<Row> rows, String id) {
    if (rows.size() == 0) {
      throw ClientError.notFound(ErrorCode.API_KEY_NOT_FOUND, "API key", id);
    }
    return map(rows.iterator().next());
  }

  private static List<ApiKey> all(RowSet<Row> rows) {
    List<ApiKey> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }

  static ApiKey map(Row r) {
    String id = r.getString("id");
    return new ApiKey(
        id,
        r.getString("name"),
        dev.lanes.gateway.auth.ApiKeyFormat.prefixOf(id),
        scopes(r),
        r.getBoolean("bootstrap"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "expires_at"),
        Rows.instant(r, "last_used_at"),
        Rows.instant(r, "revoked_at"));
  }
}
