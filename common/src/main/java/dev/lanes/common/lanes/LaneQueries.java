package dev.lanes.common.lanes;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;

/**
 * The read-only queries release-service publishes on its table {@code lanes}. Every write of it
 * (create, the deletion cascade, expiry) is release-service's own.
 */
public final class LaneQueries {

  private static final String SELECT = "select " + LaneRows.COLUMNS + " from lanes where name = $1";
  private static final String LIST =
      "select " + LaneRows.COLUMNS + " from lanes where name > $1 order by name limit $2";

  private final Database db;

  public LaneQueries(Database db) {
    this.db = db;
  }

  /**
   * @throws ClientError {@code lane_not_found}
   */
  public Future<Lane> get(String name) {
    return db.client()
        .preparedQuery(SELECT)
        .execute(Tuple.of(name))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw ClientError.notFound(ErrorCode.LANE_NOT_FOUND, "lane", name);
              }
              return LaneRows.map(rows.iterator().next());
            });
  }

  /** A page of lanes by name. */
  public Future<Page<Lane>> list(String after, int limit) {
    return db.client()
        .preparedQuery(LIST)
        .execute(Tuple.of(after, limit + 1))
        .map(rows -> Page.of(LaneRows.all(rows), limit, Lane::name));
  }
}
