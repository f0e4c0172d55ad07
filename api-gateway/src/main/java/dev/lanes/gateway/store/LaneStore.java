package dev.lanes.gateway.store;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.db.PgErrors;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.outbox.Outbox;
import dev.lanes.common.outbox.OutboxEntry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Lanes in Postgres. Creating and deleting one writes a {@code lane.*} event to the outbox. */
public final class LaneStore {

  public static final String CREATED = "dev.lanes.lane.created";
  private static final String SOURCE = "/lanes/api-gateway";

  private static final String COLUMNS =
      "name, description, ttl_seconds, protected, status, created_at, updated_at";
  private static final String INSERT =
      "insert into lanes (name, description, ttl_seconds, protected) values ($1, $2, $3, $4)"
          + " returning "
          + COLUMNS;
  private static final String SELECT = "select " + COLUMNS + " from lanes where name = $1";
  private static final String LIST =
      "select " + COLUMNS + " from lanes where name > $1 order by name limit $2";

  private final Database db;

  public LaneStore(Database db) {
    this.db = db;
  }

  /**
   * @throws ClientError {@code lane_exists}
   */
  public Future<Lane> insert(Lane lane) {
    return db.pool()
        .withTransaction(tx -> insertWithEvent(tx, lane))
        .recover(e -> Future.failedFuture(translateInsert(e, lane.name())));
  }

  private Future<Lane> insertWithEvent(SqlConnection tx, Lane lane) {
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(lane.name(), lane.description(), lane.ttlSeconds(), lane.isProtected()))
        .map(rows -> map(rows.iterator().next()))
        .compose(created -> Outbox.append(tx, event(CREATED, created)).map(created));
  }

  /**
   * @throws ClientError {@code lane_not_found}
   */
  public Future<Lane> get(String name) {
    return db.client().preparedQuery(SELECT).execute(Tuple.of(name)).map(rows -> one(rows, name));
  }

  public Future<Page<Lane>> list(String after, int limit) {
    return db.client()
        .preparedQuery(LIST)
        .execute(Tuple.of(after, limit + 1))
        .map(rows -> Page.of(all(rows), limit, Lane::name));
  }

  private static OutboxEntry event(String type, Lane lane) {
    JsonObject data = new JsonObject(Json.writeString(lane));
    return new OutboxEntry(
        "lane",
        lane.name(),
        Channels.EVENTS,
        false,
        Message.of(type, SOURCE, lane.name(), lane.name(), data));
  }

  private static Throwable translateInsert(Throwable e, String name) {
    if (PgErrors.isUniqueViolation(e)) {
      return ClientError.exists(ErrorCode.LANE_EXISTS, "lane", name);
    }
    return e;
  }

  private static Lane one(RowSet<Row> rows, String name) {
    if (rows.size() == 0) {
      throw ClientError.notFound(ErrorCode.LANE_NOT_FOUND, "lane", name);
    }
    return map(rows.iterator().next());
  }

  private static List<Lane> all(RowSet<Row> rows) {
    List<Lane> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }

  private static Lane map(Row r) {
    Integer ttl = r.getInteger("ttl_seconds");
    Instant created = Rows.instant(r, "created_at");
    return new Lane(
        r.getString("name"),
        r.getString("description"),
        ttl,
        r.getBoolean("protected"),
        r.getString("status"),
        ttl == null ? null : created.plusSeconds(ttl),
        created,
        Rows.instant(r, "updated_at"));
  }
}
