package dev.lanes.common.outbox;

import dev.lanes.common.messaging.Message;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Remembers which messages a consumer has handled, so a redelivered message does nothing twice.
 * Record the id in the same transaction as the work it stands for.
 */
public final class ProcessedMessages {

  private static final String RECORD =
      "insert into processed_messages (consumer, message_id) values ($1, $2) on conflict do"
          + " nothing";

  private ProcessedMessages() {}

  /**
   * Records that {@code consumer} handles {@code message}.
   *
   * @return {@code true} the first time, {@code false} when it was handled before
   */
  public static Future<Boolean> firstTime(SqlClient tx, String consumer, Message message) {
    return tx.preparedQuery(RECORD)
        .execute(Tuple.of(consumer, message.id()))
        .map(rows -> rows.rowCount() == 1);
  }
}
