package dev.lanes.common.outbox;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only queries on the outbox for those who follow what the relay published, in {@code seq}
 * order: the event stream of the API. The outbox's writers are {@link Outbox} and {@link
 * OutboxRelay}.
 */
public final class PublishedEvents {

  private static final String LATEST = "select coalesce(max(seq), 0) as seq from outbox";
  // commands are read too, so that a cursor moves past them, but without their payload
  private static final String AFTER =
      "select seq, event_type, case when payload->>'channel' = $2 then payload->'message' end"
          + " as message from outbox where seq > $1 order by seq limit $3";

  /**
   * One published row.
   *
   * @param message the CloudEvent of an event on the channel asked for; {@code null} for anything
   *     else (a command)
   */
  public record Published(long seq, String type, JsonObject message) {}

  private PublishedEvents() {}

  /** The seq of the newest published row, 0 when none is. */
  public static Future<Long> latestSeq(SqlClient client) {
    return client.query(LATEST).execute().map(rows -> rows.iterator().next().getLong("seq"));
  }

  /** Up to {@code limit} published rows after {@code seq}, with the messages of {@code channel}. */
  public static Future<List<Published>> after(
      SqlClient client, long seq, String channel, int limit) {
    return client
        .preparedQuery(AFTER)
        .execute(Tuple.of(seq, channel, limit))
        .map(
            rows -> {
              List<Published> out = new ArrayList<>(rows.size());
              for (Row row : rows) {
                Object message = row.getValue("message");
                out.add(
                    new Published(
                        row.getLong("seq"),
                        row.getString("event_type"),
                        message instanceof JsonObject json ? json : null));
              }
              return out;
            });
  }
}
