package dev.lanes.gateway.auth;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

/**
 * Makes sure an admin key exists before the API opens, so authentication is never off.
 *
 * <ul>
 *   <li>{@code API_TOKEN} set: its hash is stored as the admin key {@code admin}; keys generated
 *       earlier for bootstrap are revoked.
 *   <li>{@code API_TOKEN} unset: on the first start (or with {@code LANES_ROTATE_ADMIN_KEY}) a key
 *       is generated, its hash stored, and the key returned so the caller prints it once; on later
 *       starts nothing changes and nothing is printed.
 * </ul>
 *
 * Runs under a transaction-scoped advisory lock, so gateway replicas starting together agree.
 */
public final class AdminKeyBootstrap {

  /** What start-up should tell the operator. */
  public record Outcome(String newKey, String existingPrefix, boolean fromApiToken) {}

  private static final String LOCK = "select pg_advisory_xact_lock(hashtext('lanes.admin-key'))";
  private static final String UPSERT_TOKEN =
      "insert into api_keys (id, name, hash, scopes, bootstrap) values ($1, 'admin (API_TOKEN)',"
          + " $2, '{admin}', true) on conflict (id) do update set hash = excluded.hash,"
          + " scopes = excluded.scopes, revoked_at = null returning (xmax = 0) as created";
  private static final String REVOKE_OTHERS =
      "update api_keys set revoked_at = now() where bootstrap and id <> $1 and revoked_at is"
          + " null returning id, name";
  private static final String ACTIVE_GENERATED =
      "select id from api_keys where bootstrap and id <> $1 and revoked_at is null limit 1";
  private static final String INSERT_GENERATED =
      "insert into api_keys (id, name, hash, scopes, bootstrap) values ($1, $2, $3, '{admin}',"
          + " true)";

  /** Who makes and revokes bootstrap keys, as the audit log names it. */
  static final Actor BOOTSTRAP = Actor.system("admin-key-bootstrap");

  private final Pool pool;

  public AdminKeyBootstrap(Pool pool) {
    this.pool = pool;
  }

  public Future<Outcome> run(Secret apiToken, boolean rotate) {
    return pool.withTransaction(
        tx ->
            tx.query(LOCK)
                .execute()
                .compose(
                    locked ->
                        apiToken != null ? useToken(tx, apiToken) : useGenerated(tx, rotate)));
  }

  private Future<Outcome> useToken(SqlConnection tx, Secret token) {
    String id = ApiKeyFormat.ADMIN_TOKEN_ID;
    return tx.preparedQuery(UPSERT_TOKEN)
        .execute(Tuple.of(id, Buffer.buffer(ApiKeyFormat.hash(token.reveal()))))
        .compose(
            rows ->
                rows.iterator().next().getBoolean("created")
                    ? recordCreated(tx, id, "admin (API_TOKEN)")
                    : Future.succeededFuture())
        .compose(v -> revokeOthers(tx, id))
        .map(v -> new Outcome(null, null, true));
  }

  /**
   * Revokes the bootstrap keys other than {@code id}, each recorded in the audit log: a key that
   * stops working at start-up is a change someone will want to trace.
   */
  private static Future<Void> revokeOthers(SqlConnection tx, String id) {
    return tx.preparedQuery(REVOKE_OTHERS)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              Future<Void> chain = Future.succeededFuture();
              for (Row r : rows) {
                chain =
                    chain.compose(
                        v ->
                            AuditLog.append(
                                tx,
                                AuditEntry.succeeded(
                                    BOOTSTRAP,
                                    AuditAction.API_KEY_REVOKE,
                                    r.getString("id"),
                                    details(r.getString("name")))));
              }
              return chain;
            });
  }

  private static Future<Void> recordCreated(SqlConnection tx, String id, String name) {
    return AuditLog.append(
        tx, AuditEntry.succeeded(BOOTSTRAP, AuditAction.API_KEY_CREATE, id, details(name)));
  }

  private static JsonObject details(String name) {
    return new JsonObject().put("name", name).put("scopes", new JsonArray().add("admin"));
  }

  private Future<Outcome> useGenerated(SqlConnection tx, boolean rotate) {
    return tx.preparedQuery(ACTIVE_GENERATED)
        .execute(Tuple.of(ApiKeyFormat.ADMIN_TOKEN_ID))
        .compose(
            rows ->
                rows.size() > 0 && !rotate
                    ? Future.succeededFuture(
                        new Outcome(
                            null,
                            ApiKeyFormat.prefixOf(rows.iterator().next().getString(0)),
                            false))
                    : generate(tx));
  }

  private Future<Outcome> generate(SqlConnection tx) {
    ApiKeyFormat.NewKey key = ApiKeyFormat.generate();
    String name = "admin (generated " + java.time.LocalDate.now() + ")";
    // An API_TOKEN key left from an earlier configuration goes too: the admin key is this one.
    return revokeOthers(tx, key.id())
        .compose(
            v ->
                tx.preparedQuery(INSERT_GENERATED)
                    .execute(Tuple.of(key.id(), name, Buffer.buffer(ApiKeyFormat.hash(key.key())))))
        .compose(v -> recordCreated(tx, key.id(), name))
        .map(v -> new Outcome(key.key(), ApiKeyFormat.prefixOf(key.id()), false));
  }
}
