package dev.lanes.common.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/**
 * Writes commands and events into the {@code outbox} table inside the caller's transaction, so they
 * exist if and only if the change that caused them committed.
 */
public final class Outbox {

  /** Postgres delivers this notification at commit, which wakes the relay at once. */
  public static final String CHANNEL = "lanes_outbox";

  /** Postgres delivers this notification when the relay has published rows (and numbered them). */
  public static final String EVENTS_CHANNEL = "lanes_events";

  private static final String INSERT =
      "with row as (insert into outbox (aggregate_type, aggregate_id, event_type, payload) values"
          + " ($1, $2, $3, $4) returning id) select pg_notify('"
          + CHANNEL
          + "', '') from row";

  private Outbox() {}

  /** Appends {@code entry} using {@code tx}, a connection inside an open transaction. */
  public static Future<Void> append(SqlClient tx, OutboxEntry entry) {
    JsonObject payload =
        new JsonObject()
            .put("channel", entry.channel())
            .put("command", entry.command())
            .put("message", entry.message().toCloudEvent());
    return tx.preparedQuery(INSERT)
        .execute(
            Tuple.of(entry.aggregateType(), entry.aggregateId(), entry.message().type(), payload))
        .mapEmpty();
  }
}
