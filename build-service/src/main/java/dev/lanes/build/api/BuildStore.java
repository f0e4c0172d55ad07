package dev.lanes.build.api;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.domain.Build;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Builds as the API sees them: requesting one (the row and its command in one transaction), reading
 * them, cancelling one. The work itself is build-service's.
 */
public final class BuildStore {

  private static final String APP_AND_REPO =
      "select a.name, a.image_repo, r.name as repo, r.registry, r.git_repo, r.context_dir,"
          + " r.dockerfile, r.no_cache from apps a left join image_repos r on r.name ="
          + " a.image_repo where a.name = $1 for share of a";
  private static final String INSERT =
      "insert into builds (id, app, image_repo, git_ref, status, force, source) values ($1, $2,"
          + " $3, $4, 'pending', $5, $6) returning "
          + BuildRows.COLUMNS;
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
  private static final String LOCK = GET + " for update";
  private static final String APP_EXISTS = "select 1 from apps where name = $1";
  private static final String CANCEL =
      "update builds set status = 'cancelled', message = $2, finished_at = now() where id = $1"
          + " returning "
          + BuildRows.COLUMNS;
  private static final String SAVED_LOG =
      "select log, truncated from build_logs where build_id = $1";

  /** A saved log: its text (the last 1 MiB) and whether earlier output was cut. */
  public record SavedLog(String text, boolean truncated) {}

  private final Database db;

  public BuildStore(Database db) {
    this.db = db;
  }

  /**
   * Records a pending build of {@code app}'s image repo and the command that starts it.
   *
   * @throws ClientError {@code app_not_found}, {@code app_has_no_image_repo}
   */
  public Future<Build> request(String app, String gitRef, boolean force) {
    return db.pool().withTransaction(tx -> insertPending(tx, app, gitRef, force));
  }

  private Future<Build> insertPending(SqlConnection tx, String app, String gitRef, boolean force) {
    return tx.preparedQuery(APP_AND_REPO)
        .execute(Tuple.of(app))
        .map(rows -> sourceOf(app, rows))
        .compose(
            source ->
                tx.preparedQuery(INSERT)
                    .execute(
                        Tuple.of(UUID.randomUUID(), app, source.repo(), gitRef, force)
                            .addValue(source.source().toJson()))
                    .map(rows -> BuildRows.map(rows.iterator().next())))
        .compose(build -> Outbox.append(tx, BuildMessages.requested(build)).map(build))
        .compose(
            build ->
                Outbox.append(tx, BuildMessages.status(build, BuildMessages.GATEWAY)).map(build));
  }

  private record AppSource(String repo, BuildSource source) {}

  private static AppSource sourceOf(String app, RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", app);
    }
    Row r = rows.iterator().next();
    if (r.getString("repo") == null) {
      throw new ClientError(
          ErrorCode.APP_HAS_NO_IMAGE_REPO,
          "app '" + app + "' has no image repo to build; set its image_repo first");
    }
    return new AppSource(
        r.getString("repo"),
        new BuildSource(
            r.getString("git_repo"),
            r.getString("registry"),
            r.getString("context_dir"),
            r.getString("dockerfile"),
            r.getBoolean("no_cache")));
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
        .map(rows -> Page.of(BuildRows.all(rows), limit, BuildStore::cursorOf))
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
   * Cancels a build that has not finished: it is {@code cancelled} at once, and build-service
   * deletes its Job.
   *
   * @throws ClientError {@code build_not_found}, {@code build_finished}
   */
  public Future<Build> cancel(String app, UUID id, String by) {
    return db.pool().withTransaction(tx -> lockAndCancel(tx, app, id, by));
  }

  private Future<Build> lockAndCancel(SqlConnection tx, String app, UUID id, String by) {
    return tx.preparedQuery(LOCK)
        .execute(Tuple.of(app, id))
        .map(rows -> requireUnfinished(one(rows, app, id)))
        .compose(b -> tx.preparedQuery(CANCEL).execute(Tuple.of(id, "cancelled by " + by)))
        .map(rows -> BuildRows.map(rows.iterator().next()))
        .compose(build -> Outbox.append(tx, BuildMessages.cancel(build)).map(build))
        .compose(
            build ->
                Outbox.append(tx, BuildMessages.status(build, BuildMessages.GATEWAY)).map(build));
  }

  private static Build requireUnfinished(Build build) {
    if (build.status().isTerminal()) {
      throw new ClientError(
          ErrorCode.BUILD_FINISHED,
          "build "
              + build.id()
              + " already "
              + build.status().value()
              + "; it cannot be cancelled");
    }
    return build;
  }

  /** The log saved when the build ended, if any. */
  public Future<Optional<SavedLog>> savedLog(UUID id) {
    return db.client()
        .preparedQuery(SAVED_LOG)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(
                        new SavedLog(
                            rows.iterator().next().getString("log"),
                            rows.iterator().next().getBoolean("truncated"))));
  }

  private static Build one(RowSet<Row> rows, String app, UUID id) {
    if (rows.size() == 0) {
      throw new ClientError(ErrorCode.BUILD_NOT_FOUND, "app '" + app + "' has no build " + id);
    }
    return BuildRows.map(rows.iterator().next());
  }
}
