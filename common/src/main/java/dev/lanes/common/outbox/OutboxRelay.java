package dev.lanes.common.outbox;

import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.Messaging;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows after the transactions that wrote them commit: at least once, and in order
 * per aggregate (a failed row holds back the later rows of its aggregate, not the others). A crash
 * between publishing and marking a row only means it is published again, which consumers tolerate.
 *
 * <p>One relay is active at a time: it holds a session-level advisory lock on its own connection;
 * other replicas wait for the lock and take over when that connection goes. It wakes on the
 * notification each outbox insert sends, and polls as well, so nothing waits for long if a
 * notification is lost.
 */
public final class OutboxRelay {

  private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
  private static final String LOCK = "select pg_try_advisory_lock(hashtext('lanes.outbox-relay'))";
  private static final String NEXT =
      "select id, aggregate_type, aggregate_id, payload from outbox where published_at is null"
          + " order by id limit $1";

  /**
   * Marks a published batch and gives its rows their place in the event sequence, in id order, then
   * wakes the subscribers of {@link Outbox#EVENTS_CHANNEL}. A row published twice keeps its first
   * place.
   */
  private static final String MARK =
      "with ordered as (select id, nextval('outbox_seq') as seq from (select unnest($1::bigint[])"
          + " as id order by id) ids), marked as (update outbox o set published_at = now(), seq ="
          + " coalesce(o.seq, ordered.seq) from ordered where o.id = ordered.id returning 1)"
          + " select pg_notify('"
          + Outbox.EVENTS_CHANNEL
          + "', '') where exists (select 1 from marked)";

  /** How the relay paces itself. */
  public record Settings(int batchSize, Duration pollInterval, Duration lockRetry) {
    public static final Settings DEFAULT =
        new Settings(200, Duration.ofSeconds(1), Duration.ofSeconds(5));
  }

  private final Vertx vertx;
  private final Pool pool;
  private final PgConnectOptions connectOptions;
  private final Messaging messaging;
  private final Settings settings;
  private SqlConnection lockHolder;
  private PgSubscriber subscriber;
  private long timer = -1;
  private boolean draining;
  private boolean drainAgain;
  private volatile boolean stopped;

  public OutboxRelay(
      Vertx vertx,
      Pool pool,
      PgConnectOptions connectOptions,
      Messaging messaging,
      Settings settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.connectOptions = connectOptions;
    this.messaging = messaging;
    this.settings = settings;
  }

  /** Starts relaying, now or once this replica gets the lock. Call on a Vert.x context. */
  public Future<Void> start() {
    tryLock();
    return listen();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    List<Future<?>> closing = new ArrayList<>();
    if (subscriber != null) {
      closing.add(subscriber.close());
    }
    if (lockHolder != null) {
      closing.add(lockHolder.close());
    }
    return Future.join(closing).mapEmpty();
  }

  /** Whether this replica is the active relay. */
  public boolean isActive() {
    return lockHolder != null;
  }

  private Future<Void> listen() {
    subscriber = PgSubscriber.subscriber(vertx, connectOptions);
    subscriber.reconnectPolicy(retries -> 1000L);
    subscriber.channel(Outbox.CHANNEL).handler(payload -> wake());
    return subscriber
        .connect()
        .recover(
            e -> {
              LOG.warn(
                  "outbox relay cannot listen for notifications, polling only: {}", e.toString());
              return Future.succeededFuture();
            });
  }

  private void tryLock() {
    if (stopped) {
      return;
    }
    pool.getConnection()
        .compose(
            conn -> conn.query(LOCK).execute().map(rows -> lockedOn(conn, rows.iterator().next())))
        .onComplete(
            done -> {
              if (done.succeeded() && done.result()) {
                LOG.info("outbox relay active");
                timer = vertx.setPeriodic(settings.pollInterval().toMillis(), id -> wake());
                wake();
              } else {
                vertx.setTimer(settings.lockRetry().toMillis(), id -> tryLock());
              }
            });
  }

  private boolean lockedOn(SqlConnection conn, Row row) {
    if (!row.getBoolean(0)) {
      conn.close();
      return false;
    }
    lockHolder = conn;
    conn.closeHandler(v -> lostLock());
    return true;
  }

  private void lostLock() {
    LOG.warn("outbox relay lost its lock connection; waiting to take the lock again");
    lockHolder = null;
    vertx.cancelTimer(timer);
    tryLock();
  }

  /** Drains now, or right after the drain under way. */
  private void wake() {
    if (lockHolder == null || stopped) {
      return;
    }
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    drainAgain = false;
    drainBatch()
        .onComplete(
            done -> {
              draining = false;
              if (done.failed()) {
                LOG.warn("outbox relay: {}", done.cause().toString());
              } else if (done.result() >= settings.batchSize()) {
                drainAgain = true;
              }
              if (drainAgain) {
                wake();
              }
            });
  }

  /** Publishes one batch; answers how many rows it read. */
  private Future<Integer> drainBatch() {
    return pool.preparedQuery(NEXT)
        .execute(Tuple.of(settings.batchSize()))
        .compose(
            rows -> {
              Map<String, List<Row>> byAggregate = new LinkedHashMap<>();
              rows.forEach(
                  r ->
                      byAggregate
                          .computeIfAbsent(
                              r.getString("aggregate_type") + "/" + r.getString("aggregate_id"),
                              k -> new ArrayList<>())
                          .add(r));
              List<Long> published = new ArrayList<>();
              List<Future<Void>> groups = new ArrayList<>();
              byAggregate
                  .values()
                  .forEach(group -> groups.add(publishInOrder(group, 0, published)));
              return Future.join(groups).transform(v -> mark(published)).map(rows.size());
            });
  }

  /** Publishes {@code group} from {@code index} on, one after the other; stops at a failure. */
  private Future<Void> publishInOrder(List<Row> group, int index, List<Long> published) {
    if (index >= group.size()) {
      return Future.succeededFuture();
    }
    Row row = group.get(index);
    return publish(row.getJsonObject("payload"))
        .compose(
            v -> {
              published.add(row.getLong("id"));
              return publishInOrder(group, index + 1, published);
            });
  }

  private Future<Void> publish(JsonObject payload) {
    Message message;
    try {
      message = Message.fromCloudEvent(payload.getJsonObject("message"));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String channel = payload.getString("channel");
    return payload.getBoolean("command", false)
        ? messaging.send(channel, message)
        : messaging.publish(channel, message);
  }

  private Future<Void> mark(List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(MARK).execute(Tuple.of((Object) ids.toArray(Long[]::new))).mapEmpty();
  }
}
