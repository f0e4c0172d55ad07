package dev.lanes.common.releases;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.Release;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The read-only queries release-service publishes on its tables {@code releases} and {@code
 * release_revisions}: what the API may know of releases without writing them. Every write of those
 * tables is release-service's own.
 */
public final class ReleaseQueries {

  private static final String BY_ID =
      "select " + ReleaseRows.COLUMNS + " from releases where id = $1";
  private static final String HISTORY =
      "select revision, tag, image, replicas, envs, cause, created_at from release_revisions where"
          + " release_id = $1 order by revision desc";
  private static final String LIST =
      "select "
          + ReleaseRows.COLUMNS
          + " from releases where ($1::text is null or app = $1) and ($2::text is null or lane ="
          + " $2) and (app, lane) > ($3, $4) order by app, lane limit $5";
  private static final String LANES_OF_APP =
      "select lane from releases where app = $1 order by lane limit $2";

  private final Database db;

  public ReleaseQueries(Database db) {
    this.db = db;
  }

  /**
   * @throws ClientError {@code release_not_found}
   */
  public Future<Release> get(UUID id) {
    return db.client().preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> one(rows, id));
  }

  /** A page of releases ordered by app and lane; {@code app} and {@code lane} filter when set. */
  public Future<Page<Release>> list(String app, String lane, String after, int limit) {
    String[] from = after == null || after.isEmpty() ? new String[] {"", ""} : after.split("/", 2);
    return db.client()
        .preparedQuery(LIST)
        .execute(Tuple.of(app, lane, from[0], from.length > 1 ? from[1] : "", limit + 1))
        .map(rows -> Page.of(ReleaseRows.all(rows), limit, r -> r.app() + "/" + r.lane()));
  }

  /** The release of (app, lane). */
  public Future<Release> find(String app, String lane) {
    return list(app, lane, null, 1)
        .map(
            page -> {
              if (page.items().isEmpty()) {
                throw new ClientError(
                    ErrorCode.RELEASE_NOT_FOUND,
                    "app '" + app + "' has no release in lane '" + lane + "'");
              }
              return page.items().get(0);
            });
  }

  /**
   * The first {@code limit} lanes (by name) where {@code app} has a release. Static, so a caller
   * can read it inside its own transaction.
   */
  public static Future<List<String>> lanesOf(SqlClient client, String app, int limit) {
    return client
        .preparedQuery(LANES_OF_APP)
        .execute(Tuple.of(app, limit))
        .map(
            rows -> {
              List<String> lanes = new ArrayList<>();
              rows.forEach(r -> lanes.add(r.getString(0)));
              return lanes;
            });
  }

  /** Every revision, newest first. */
  public Future<List<Revision>> history(UUID id) {
    return get(id)
        .compose(r -> db.client().preparedQuery(HISTORY).execute(Tuple.of(id)))
        .map(
            rows -> {
              List<Revision> out = new ArrayList<>();
              rows.forEach(row -> out.add(revision(row)));
              return out;
            });
  }

  /** The revision in {@code row}, read with the columns of {@code HISTORY}. */
  public static Revision revision(Row row) {
    return new Revision(
        row.getInteger("revision"),
        row.getString("tag"),
        row.getString("image"),
        row.getInteger("replicas"),
        Rows.stringMap(row, "envs"),
        row.getString("cause"),
        Rows.instant(row, "created_at"));
  }

  /**
   * The release in {@code rows}.
   *
   * @throws ClientError {@code release_not_found}
   */
  public static Release one(RowSet<Row> rows, UUID id) {
    if (rows.size() == 0) {
      throw new ClientError(ErrorCode.RELEASE_NOT_FOUND, "release " + id + " does not exist");
    }
    return ReleaseRows.map(rows.iterator().next());
  }
}
