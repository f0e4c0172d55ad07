package dev.lanes.common.builds;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildStatus;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * The read-only queries build-service publishes on its tables {@code builds} and {@code
 * build_logs}: what the API and other services may know of builds without writing them. Every write
 * of those tables is build-service's own.
 */
public final class BuildQueries {

  private static final String SUCCEEDED_FOR =
      "select "
          + BuildRows.COLUMNS
          + " from builds where image_repo = $1 and commit = $2 and status = 'succeeded' and"
          + " reused_from is null order by finished_at desc limit 1";
  private static final String BUILT_FOR_APP =
      "select "
          + BuildRows.COLUMNS.replaceAll("(\\w+)", "b.$1")
          + " from builds b join apps a on a.image_repo = b.image_repo where a.name = $1 and"
          + " b.commit = $2 and b.status = 'succeeded' and b.reused_from is null order by"
          + " b.finished_at desc limit 1";
  private static final String GET =
      "select " + BuildRows.COLUMNS + " from builds where app = $1 and id = $2";
  private static final String LIST =
      "select "
          + BuildRows.COLUMNS
          + " from builds where app = $1 and (created_at, id) < ($2, $3) order by created_at"
          + " desc, id desc limit $4";
  private static final String LATEST =
      "select "
          + BuildRows.COLUMNS
          + " from builds where app = $1 and status = 'succeeded' order by finished_at desc, id"
          + " desc limit 1";
  private static final String APP_EXISTS = "select 1 from apps where name = $1";
  private static final String TAGGED =
      "select status, image from builds where image_repo = $1 and tag = $2 order by (status ="
          + " 'succeeded') desc, finished_at desc nulls last limit 1";
  private static final String SAVED_LOG =
      "select log, truncated from build_logs where build_id = $1";

  /** The build behind an image tag: its status and, once it succeeded, its image. */
  public record Tagged(BuildStatus status, String image) {}

  private final Database db;

  public BuildQueries(Database db) {
    this.db = db;
  }

  /** The newest build of that commit that built (not reused) its image, if any. */
  public Future<Optional<Build>> succeededFor(String imageRepo, String commit) {
    return db.client()
        .preparedQuery(SUCCEEDED_FOR)
        .execute(Tuple.of(imageRepo, commit))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(BuildRows.map(rows.iterator().next())));
  }

  /** The build that made the image of {@code commit} for {@code app}'s image repo, if any. */
  public Future<Optional<Build>> builtFor(String app, String commit) {
    return db.client()
        .preparedQuery(BUILT_FOR_APP)
        .execute(Tuple.of(app, commit))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(BuildRows.map(rows.iterator().next())));
  }

  /**
   * @throws ClientError {@code build_not_found}, also for a build of another app
   */
  public Future<Build> get(String app, UUID id) {
    return db.client()
        .preparedQuery(GET)
        .execute(Tuple.of(app, id))
        .map(rows -> one(rows, app, id));
  }

  /**
   * A page of {@code app}'s builds, newest first.
   *
   * @param after the {@link #cursorOf cursor} of the last build of the previous page, or {@code
   *     null}
   */
  public Future<Page<Build>> list(String app, String after, int limit) {
    Instant beforeTime = Instant.parse("9999-01-01T00:00:00Z");
    UUID beforeId = new UUID(-1L, -1L);
    if (after != null && !after.isEmpty()) {
      String[] parts = after.split("\\|", 2);
      try {
        beforeTime = Instant.parse(parts[0]);
        beforeId = UUID.fromString(parts[1]);
      } catch (RuntimeException e) {
        return Future.failedFuture(
            new ClientError(
                ErrorCode.VALIDATION_FAILED, "cursor: not a next_cursor from this API"));
      }
    }
    return db.client()
        .preparedQuery(LIST)
        .execute(
            Tuple.of(
                app, OffsetDateTime.ofInstant(beforeTime, ZoneOffset.UTC), beforeId, limit + 1))
        .map(rows -> Page.of(BuildRows.all(rows), limit, BuildQueries::cursorOf))
        .compose(
            page ->
                page.items().isEmpty() ? requireApp(app).map(page) : Future.succeededFuture(page));
  }

  /**
   * Fails with {@code app_not_found} when {@code app} does not exist: an empty answer about an app
   * that isn't there would hide a typo.
   */
  private Future<Void> requireApp(String app) {
    return db.client()
        .preparedQuery(APP_EXISTS)
        .execute(Tuple.of(app))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", app);
              }
              return null;
            });
  }

  /** Where the next page starts after {@code build}. */
  public static String cursorOf(Build build) {
    return build.createdAt() + "|" + build.id();
  }

  /**
   * The newest succeeded build of {@code app}.
   *
   * @throws ClientError {@code build_not_found} when it has none, {@code app_not_found} when the
   *     app does not exist
   */
  public Future<Build> latest(String app) {
    return db.client()
        .preparedQuery(LATEST)
        .execute(Tuple.of(app))
        .compose(
            rows ->
                rows.size() > 0
                    ? Future.succeededFuture(BuildRows.map(rows.iterator().next()))
                    : requireApp(app)
                        .map(
                            v -> {
                              throw new ClientError(
                                  ErrorCode.BUILD_NOT_FOUND,
                                  "app '" + app + "' has no succeeded build");
                            }));
  }

  /**
   * The build of {@code imageRepo} with {@code tag}: a succeeded one if there is one, else the
   * newest. Static, so a caller can read it inside its own transaction.
   */
  public static Future<Optional<Tagged>> tagged(SqlClient client, String imageRepo, String tag) {
    return client
        .preparedQuery(TAGGED)
        .execute(Tuple.of(imageRepo, tag))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(
                  new Tagged(BuildStatus.of(r.getString("status")), r.getString("image")));
            });
  }

  /** The log saved when the build ended, if any. */
  public Future<Optional<BuildLog>> savedLog(UUID id) {
    return db.client()
        .preparedQuery(SAVED_LOG)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(
                        new BuildLog(
                            rows.iterator().next().getString("log"),
                            rows.iterator().next().getBoolean("truncated"))));
  }

  /**
   * The build in {@code rows}.
   *
   * @throws ClientError {@code build_not_found}
   */
  public static Build one(RowSet<Row> rows, String app, UUID id) {
    if (rows.size() == 0) {
      throw new ClientError(ErrorCode.BUILD_NOT_FOUND, "app '" + app + "' has no build " + id);
    }
    return BuildRows.map(rows.iterator().next());
  }
}
