package dev.lanes.common.messaging;

import dev.lanes.common.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers which messages each consumer has handled, in {@code processed_messages}, so that a
 * redelivered message (every transport delivers at least once) is not handled twice.
 *
 * <p>It is a filter, not a lock: the id is recorded after the handler succeeded, so two deliveries
 * of one message running at the same moment could both be handled. The transports hand a partition
 * to one consumer, one message at a time, so that only happens when a message being handled is
 * redelivered elsewhere after a rebalance; handlers stay idempotent for that case. A handler that
 * must be exact records the id in its own transaction instead (see {@link #MARK}).
 */
public final class ProcessedMessages {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessedMessages.class);

  /** How long ids are kept by default: far longer than any redelivery takes. */
  public static final Duration RETENTION = Duration.ofDays(7);

  /** Records a handled id; {@code $1} consumer, {@code $2} message id. */
  public static final String MARK =
      "insert into processed_messages (consumer, message_id) values ($1, $2)"
          + " on conflict do nothing";

  private static final String SEEN =
      "select 1 from processed_messages where consumer = $1 and message_id = $2";
  private static final String PRUNE =
      "delete from processed_messages where processed_at < now() - make_interval(secs => $1)";

  private final SqlClient sql;

  /**
   * @param sql runs single statements: a {@link io.vertx.sqlclient.Pool} or a pipelined client
   */
  public ProcessedMessages(SqlClient sql) {
    this.sql = sql;
  }

  /** Uses the database's pipelined client: every statement here stands alone. */
  public static ProcessedMessages of(Database database) {
    return new ProcessedMessages(database.client());
  }

  /**
   * Wraps {@code handler} so that it runs once per message id for {@code consumer}: a message
   * {@code consumer} has handled before succeeds at once. The id is recorded after the handler
   * succeeded; a failed handler records nothing, so the redelivery runs it again.
   *
   * @param consumer who handles, e.g. {@code build-service}; ids are remembered per consumer
   */
  public MessageHandler once(String consumer, MessageHandler handler) {
    return message ->
        seen(consumer, message)
            .compose(seen -> seen ? skip(consumer, message) : handle(consumer, handler, message));
  }

  /**
   * Deletes the ids recorded longer than {@code olderThan} ago.
   *
   * @return how many were deleted
   */
  public Future<Integer> prune(Duration olderThan) {
    double seconds = olderThan.toMillis() / 1000.0;
    return sql.preparedQuery(PRUNE).execute(Tuple.of(seconds)).map(rows -> rows.rowCount());
  }

  /**
   * Prunes ids older than {@code olderThan} every {@code every}, on a timer of {@code vertx}.
   *
   * @return the timer's id, for {@link Vertx#cancelTimer(long)}
   */
  public long prunePeriodically(Vertx vertx, Duration every, Duration olderThan) {
    return vertx.setPeriodic(
        every.toMillis(),
        t ->
            prune(olderThan)
                .onSuccess(n -> LOG.debug("pruned {} processed message ids", n))
                .onFailure(
                    e -> LOG.warn("pruning processed message ids failed: {}", e.toString())));
  }

  private Future<Boolean> seen(String consumer, Message message) {
    return sql.preparedQuery(SEEN)
        .execute(Tuple.of(consumer, message.id()))
        .map(rows -> rows.size() > 0);
  }

  private Future<Void> skip(String consumer, Message message) {
    LOG.debug("{} already handled {} {}", consumer, message.type(), message.id());
    return Future.succeededFuture();
  }

  private Future<Void> handle(String consumer, MessageHandler handler, Message message) {
    return MessageHandler.invoke(handler, message)
        .compose(v -> sql.preparedQuery(MARK).execute(Tuple.of(consumer, message.id())))
        .mapEmpty();
  }
}
