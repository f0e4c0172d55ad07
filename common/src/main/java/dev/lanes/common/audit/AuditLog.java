package dev.lanes.common.audit;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
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
      "insert into audit_log (actor_key_id, actor_name, source, request_id, change_id, action,"
          + " resource, resource_id, outcome, details) values ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
          + " $10) on conflict (change_id) where change_id is not null do nothing";

  private AuditLog() {}

  /**
   * Appends {@code entry} using {@code sql}: a connection inside the change's transaction.
   *
   * <p>An entry's change id is unique. A change whose request was made already (delivered twice:
   * its service died after committing and before the delivery was acknowledged) fails with {@code
   * duplicate_request}, which rolls its transaction back: the change is made once. A refusal whose
   * change was made (the gateway gave up waiting, the service went on) is dropped: the log keeps
   * what happened.
   */
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
                  a.changeId(),
                  entry.action().value(),
                  entry.action().resource(),
                  entry.resourceId(),
                  entry.outcome().value(),
                  entry.details()
                }))
        .compose(
            rows ->
                rows.rowCount() == 0 && entry.outcome() == AuditEntry.Outcome.SUCCEEDED
                    ? Future.failedFuture(duplicate(entry))
                    : Future.<Void>succeededFuture());
  }

  private static ClientError duplicate(AuditEntry entry) {
    return new ClientError(
        ErrorCode.DUPLICATE_REQUEST,
        "this "
            + entry.action().value()
            + " request was carried out already and its answer lost; look the "
            + entry.action().resource()
            + " up rather than sending the request again");
  }

  /** {@code then}, once {@code entry} is appended: for chaining after a change's statements. */
  public static <T> Future<T> append(SqlClient sql, AuditEntry entry, T then) {
    return append(sql, entry).map(then);
  }
}
