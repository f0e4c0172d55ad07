package dev.lanes.common.messaging;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Dead letters in the table {@code dead_letters}, on every transport; what {@code GET
 * /api/v1/dead-letters} lists. A message dead-lettered twice by one consumer (a redelivery after a
 * rebalance) is recorded once.
 */
public final class PgDeadLetters implements DeadLetters {

  private static final String INSERT =
      "insert into dead_letters (consumer, channel, message_id, message_type, partition_key,"
          + " record, error_class, error, attempts, failed_at)"
          + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing";
  private static final String RECENT =
      "select id, consumer, channel, message_id, message_type, partition_key, record,"
          + " error_class, error, attempts, failed_at from dead_letters"
          + " order by id desc limit $1";

  private final SqlClient sql;

  public PgDeadLetters(SqlClient sql) {
    this.sql = sql;
  }

  @Override
  public Future<Void> record(DeadLetter letter) {
    return sql.preparedQuery(INSERT)
        .execute(
            Tuple.from(
                new Object[] {
                  letter.consumer(),
                  letter.channel(),
                  letter.messageId(),
                  letter.messageType(),
                  letter.key(),
                  letter.record(),
                  letter.errorClass(),
                  letter.error(),
                  letter.attempts(),
                  letter.failedAt().atOffset(ZoneOffset.UTC)
                }))
        .mapEmpty();
  }

  /** The newest {@code limit} dead letters, newest first, each as {@link DeadLetter#toJson()}. */
  public Future<List<JsonObject>> recent(int limit) {
    return sql.preparedQuery(RECENT)
        .execute(Tuple.of(limit))
        .map(
            rows -> {
              List<JsonObject> letters = new ArrayList<>();
              for (Row r : rows) {
                letters.add(
                    new JsonObject().put("id", r.getLong("id")).mergeIn(toLetter(r).toJson()));
              }
              return letters;
            });
  }

  private static DeadLetter toLetter(Row r) {
    Object record = r.getValue("record");
    return new DeadLetter(
        r.getString("consumer"),
        r.getString("channel"),
        r.getString("message_id"),
        r.getString("message_type"),
        r.getString("partition_key"),
        record instanceof JsonObject json ? json : new JsonObject(String.valueOf(record)),
        r.getString("error_class"),
        r.getString("error"),
        r.getInteger("attempts"),
        r.get(OffsetDateTime.class, "failed_at").toInstant());
  }
}
