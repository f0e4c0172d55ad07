package dev.lanes.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When builds or releases reached a status, from the status events in the outbox (the time of the
 * transaction that wrote the event).
 */
final class StatusEvents {

  static final String BUILD = "dev.lanes.build.status";
  static final String RELEASE = "dev.lanes.release.status";

  private StatusEvents() {}

  /**
   * When each of {@code ids} (last) reached {@code status} in events of {@code type}; waits up to
   * {@code timeout} for all of them.
   */
  static Map<String, Instant> await(
      Connection db, String type, String status, Collection<String> ids, Duration timeout)
      throws Exception {
    Map<String, Instant> out = new ConcurrentHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    long distinct = ids.stream().distinct().count();
    String in = String.join(",", ids.stream().distinct().map(id -> "'" + id + "'").toList());
    while (System.nanoTime() < deadline) {
      try (Statement s = db.createStatement();
          ResultSet r =
              s.executeQuery(
                  "select aggregate_id, max(created_at) from outbox where event_type = '"
                      + type
                      + "' and payload->'message'->'data'->>'status' = '"
                      + status
                      + "' and aggregate_id in ("
                      + in
                      + ") group by aggregate_id")) {
        while (r.next()) {
          out.put(r.getString(1), r.getTimestamp(2).toInstant());
        }
      }
      if (out.size() >= distinct) {
        break;
      }
      Thread.sleep(200);
    }
    return out;
  }
}
