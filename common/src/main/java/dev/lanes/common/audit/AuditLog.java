package dev.lanes.common.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Writes the {@code audit_log} table. A change's entry is appended inside the change's own
 * transaction, as {@link dev.lanes.common.outbox.Outbox} entries are, so the log holds a change if
 * and only if it committed.
 */
public final class AuditLog {

  private static final String INSERT =
      "insert into audit_log (actor_key_id, actor_name, source, request_id, action, resource,"
          + " resource_id, outcome, details) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

  private AuditLog() {}

  /** Appends {@code entry} using {@code sql}: a connection inside the change's transaction. */
  public static Future<Void> append(SqlClient sql, AuditEntry entry) {
    Actor a = entry.actor();
    return sql.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                new Object[] {
                  a.keyId(),
                  a.keyName(),
                  a.source(),
                  a.requestId(),
                  entry.action().value(),
                  entry.action().resource(),
                  entry.resourceId(),
                  entry.outcome().value(),
                  entry.details()
                }))
        .mapEmpty();
  }

  /** {@code then}, once {@code entry} is appended: for chaining after a change's statements. */
  public static <T> Future<T> append(SqlClient sql, AuditEntry entry, T then) {
    return append(sql, entry).map(then);
  }
}
