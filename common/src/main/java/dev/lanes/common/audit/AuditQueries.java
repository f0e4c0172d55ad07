package dev.lanes.common.audit;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lanes.common.db.Rows;
import dev.lanes.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the audit log, newest first, and prunes what is older than its retention. */
public final class AuditQueries {

  /**
   * What to list; {@code null} fields do not filter.
   *
   * @param actor an API key's id or name
   * @param resource a kind ({@code app}) or one resource ({@code app/web})
   * @param since entries at or after this instant
   * @param before entries with ids below this one: the cursor of the previous page
   */
  public record Filter(String actor, String resource, Instant since, Long before) {}

  /** A page, newest first; {@code nextBefore} is the last id on it when more follow. */
  public record Page(List<AuditRecord> items, Long nextBefore) {}

  private static final String LIST =
      "select id, at, actor_key_id, actor_name, source, request_id, action, resource, resource_id,"
          + " outcome, details from audit_log"
          + " where ($1::text is null or actor_key_id = $1 or actor_name = $1)"
          + " and ($2::text is null or resource = $2)"
          + " and ($3::text is null or resource_id = $3)"
          + " and ($4::timestamptz is null or at >= $4)"
          + " and ($5::bigint is null or id < $5)"
          + " order by id desc limit $6";
  private static final String PRUNE = "delete from audit_log where at < $1";

  private final SqlClient sql;

  public AuditQueries(SqlClient sql) {
    this.sql = sql;
  }

  public Future<Page> list(Filter filter, int limit) {
    String kind = null;
    String id = null;
    if (filter.resource() != null) {
      int slash = filter.resource().indexOf('/');
      kind = slash < 0 ? filter.resource() : filter.resource().substring(0, slash);
      id = slash < 0 ? null : filter.resource().substring(slash + 1);
    }
    Tuple params =
        Tuple.from(
            new Object[] {
              filter.actor(),
              kind,
              id,
              filter.since() == null ? null : filter.since().atOffset(ZoneOffset.UTC),
              filter.before(),
              limit + 1
            });
    return sql.preparedQuery(LIST)
        .execute(params)
        .map(
            rows -> {
              List<AuditRecord> items = new ArrayList<>(rows.size());
              rows.forEach(r -> items.add(map(r)));
              if (items.size() <= limit) {
                return new Page(items, null);
              }
              List<AuditRecord> page = List.copyOf(items.subList(0, limit));
              return new Page(page, page.get(limit - 1).id());
            });
  }

  /** Deletes the entries older than {@code retention}; answers how many went. */
  public Future<Integer> prune(Instant now, Duration retention) {
    return sql.preparedQuery(PRUNE)
        .execute(Tuple.of(now.minus(retention).atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.rowCount());
  }

  private static AuditRecord map(Row r) {
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("key_id", r.getString("actor_key_id"));
    actor.put("name", r.getString("actor_name"));
    Object details = r.getValue("details");
    JsonObject json = details instanceof JsonObject o ? o : new JsonObject(String.valueOf(details));
    return new AuditRecord(
        r.getLong("id"),
        Rows.instant(r, "at"),
        actor,
        r.getString("source"),
        r.getString("request_id"),
        r.getString("action"),
        r.getString("resource"),
        r.getString("resource_id"),
        r.getString("outcome"),
        plain(json));
  }

  /** The details as plain maps and lists: what the API's JSON writer serialises. */
  private static Map<String, Object> plain(JsonObject json) {
    try {
      return Json.MAPPER.readValue(json.encode(), new TypeReference<Map<String, Object>>() {});
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
