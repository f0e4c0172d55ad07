package dev.lanes.builds.store;

import dev.lanes.common.builds.BuildLog;
import dev.lanes.common.builds.BuildMessages;
import dev.lanes.common.builds.BuildRows;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.db.Database;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.metrics.OutcomeTimers;
import dev.lanes.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Every change build-service makes to a build. Each is guarded by the statuses it may start from,
 * so a change that arrives twice or late does nothing, and each writes the {@code build.status}
 * event (and the saved log, when the build ends) in the same transaction.
 */
public final class BuildTransitions {

  /** A build waiting for its ref: what to resolve. */
  public record Pending(Build build, BuildSource source, boolean force) {}

  /** A build given a Job name and about to get its Job; {@code attempts} failed before. */
  public record Claimed(Build build, BuildSource source, String ref, int attempts) {}

  /** A build that has not ended, with what reconciliation needs. */
  public record Open(Build build, Instant dispatchedAt) {}

  private static final String COUNT_BY_STATUS =
      "select status, count(*) from builds group by status";

  /** The builder of an ending build, for its duration's label; older builds were Kaniko's. */
  private static final String BUILDER = ", coalesce(source->>'builder', 'kaniko') as builder";

  private static final String CANCELLED =
      "select "
          + BuildRows.COLUMNS
          + BUILDER
          + " from builds where id = $1 and status = 'cancelled'";
  private static final String EXTRA = ", source, force, resolved_ref, dispatched_at, attempts";
  private static final String PENDING =
      "select " + BuildRows.COLUMNS + EXTRA + " from builds where id = $1 and status = 'pending'";
  private static final String QUEUE =
      "update builds set status = 'queued', commit = $2, tag = $3, image = $4, resolved_ref = $5"
          + " where id = $1 and status = 'pending' returning "
          + BuildRows.COLUMNS;
  private static final String REUSE =
      "update builds set status = 'succeeded', commit = $2, tag = $3, image = $4, digest = $5,"
          + " reused_from = $6, message = $7, started_at = now(), finished_at = now() where id ="
          + " $1 and status = 'pending' returning "
          + BuildRows.COLUMNS
          + BUILDER;
  private static final String FAIL =
      "update builds set status = 'failed', reason = $2, message = $3, finished_at = now() where"
          + " id = $1 and status in ('pending', 'queued', 'running') returning "
          + BuildRows.COLUMNS
          + BUILDER;
  private static final String RUNNING =
      "update builds set status = 'running', started_at = coalesce(started_at, $2) where id = $1"
          + " and status = 'queued' returning "
          + BuildRows.COLUMNS;
  private static final String SUCCEED =
      "update builds set status = 'succeeded', digest = $2, started_at = coalesce(started_at,"
          + " now()), finished_at = now() where id = $1 and status in ('queued', 'running')"
          + " returning "
          + BuildRows.COLUMNS
          + BUILDER;
  private static final String SAVE_LOG =
      "insert into build_logs (build_id, log, truncated) values ($1, $2, $3) on conflict"
          + " (build_id) do update set log = excluded.log, truncated = excluded.truncated,"
          + " saved_at = now()";
  private static final String DISPATCH_LOCK =
      "select pg_advisory_xact_lock(hashtext('lanes.build-dispatch'))";
  private static final String OCCUPIED =
      "select count(*) from builds where status in ('queued', 'running') and job_name is not null";
  private static final String NEXT_QUEUED =
      "select id from builds where status = 'queued' and job_name is null and (retry_at is null"
          + " or retry_at <= now()) order by created_at, id limit $1 for update skip locked";
  private static final String CLAIM =
      "update builds set job_name = 'build-' || replace(id::text, '-', ''), dispatched_at = now()"
          + " where id = any($1::uuid[]) returning "
          + BuildRows.COLUMNS
          + EXTRA;
  private static final String UNCLAIM =
      "update builds set job_name = null, dispatched_at = null, attempts = attempts + 1, retry_at"
          + " = $2 where id = $1 and status = 'queued' returning attempts";
  private static final String OPEN =
      "select "
          + BuildRows.COLUMNS
          + EXTRA
          + " from builds where status in ('pending', 'queued', 'running') order by created_at";

  private final Database db;
  private final OutcomeTimers durations;

  public BuildTransitions(Database db) {
    this(db, null);
  }

  /**
   * @param durations where ended builds' durations go, or {@code null}
   */
  public BuildTransitions(Database db, OutcomeTimers durations) {
    this.db = db;
    this.durations = durations;
  }

  /** The build, if it still waits for its ref. */
  public Future<Optional<Pending>> pending(UUID id) {
    return db.client()
        .preparedQuery(PENDING)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                return Optional.empty();
              }
              Row r = rows.iterator().next();
              return Optional.of(new Pending(BuildRows.map(r), source(r), r.getBoolean("force")));
            });
  }

  /** pending → queued, with what the ref resolved to. */
  public Future<Optional<Build>> queue(UUID id, String commit, String image, String ref) {
    return change(QUEUE, Tuple.of(id, commit, commit.substring(0, 7), image, ref), null);
  }

  /** pending → succeeded, reusing the image an earlier build made of the same commit. */
  public Future<Optional<Build>> reuse(UUID id, Build original) {
    Tuple params =
        Tuple.of(
            id,
            original.commit(),
            original.tag(),
            original.image(),
            original.digest(),
            original.id(),
            "reused the image of build " + original.id() + ", built from the same commit");
    return end(REUSE, params, null);
  }

  /**
   * → failed, with why (a code for clients to match on and words for people), and the log when
   * there is one.
   *
   * @throws NullPointerException when {@code reason} is {@code null}: every failed build says why
   */
  public Future<Optional<Build>> fail(UUID id, BuildReason reason, String message, BuildLog log) {
    Objects.requireNonNull(reason, "a failed build needs a reason");
    return end(FAIL, Tuple.of(id, reason.code(), message), log);
  }

  /** queued → running. */
  public Future<Optional<Build>> running(UUID id, Instant startedAt) {
    return change(RUNNING, Tuple.of(id, OffsetDateTime.ofInstant(startedAt, ZoneOffset.UTC)), null);
  }

  /** queued or running → succeeded, with the pushed digest and the log. */
  public Future<Optional<Build>> succeed(UUID id, String digest, BuildLog log) {
    return end(SUCCEED, Tuple.of(id, digest), log);
  }

  /**
   * Times a build the gateway cancelled (it writes that transition), once build-service has stopped
   * it: the cancel command is handled once, so the build is timed once.
   */
  public Future<Void> cancelled(UUID id) {
    return db.client()
        .preparedQuery(CANCELLED)
        .execute(Tuple.of(id))
        .map(
            rows -> {
              rows.forEach(this::ended);
              return null;
            });
  }

  /**
   * How long an ended build took, from its request to its end (queue and ref included), by outcome
   * and builder; {@code row} is the build's with {@link #BUILDER}.
   */
  private void ended(Row row) {
    Build b = BuildRows.map(row);
    if (durations != null && b.finishedAt() != null && b.createdAt() != null) {
      durations.record(
          b.status().name().toLowerCase(java.util.Locale.ROOT),
          Duration.between(b.createdAt(), b.finishedAt()),
          "builder",
          row.getString("builder"));
    }
  }

  /** How many builds there are in each status (for the {@code lanes_builds} gauges). */
  public Future<Map<String, Long>> countByStatus() {
    return db.client()
        .query(COUNT_BY_STATUS)
        .execute()
        .map(
            rows -> {
              Map<String, Long> counts = new HashMap<>();
              rows.forEach(r -> counts.put(r.getString(0), r.getLong(1)));
              return counts;
            });
  }

  /** Saves the log of a build that already ended (a cancelled one). */
  public Future<Void> saveLog(UUID id, BuildLog log) {
    return db.client()
        .preparedQuery(SAVE_LOG)
        .execute(Tuple.of(id, log.text(), log.truncated()))
        .mapEmpty();
  }

  private Future<Optional<Build>> change(String sql, Tuple params, BuildLog log) {
    return db.pool()
        .withTransaction(tx -> changeIn(tx, sql, params, log))
        .map(row -> row.map(BuildRows::map));
  }

  /** A change that ends the build: timed once it is committed. */
  private Future<Optional<Build>> end(String sql, Tuple params, BuildLog log) {
    return db.pool()
        .withTransaction(tx -> changeIn(tx, sql, params, log))
        .onSuccess(row -> row.ifPresent(this::ended))
        .map(row -> row.map(BuildRows::map));
  }

  private Future<Optional<Row>> changeIn(SqlConnection tx, String sql, Tuple params, BuildLog log) {
    return tx.preparedQuery(sql)
        .execute(params)
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(Optional.<Row>empty());
              }
              Row row = rows.iterator().next();
              Build build = BuildRows.map(row);
              return saveLog(tx, build, log)
                  .compose(
                      v ->
                          Outbox.append(
                              tx, BuildMessages.status(build, BuildMessages.BUILD_SERVICE)))
                  .map(v -> Optional.of(row));
            });
  }

  private static Future<Void> saveLog(SqlConnection tx, Build build, BuildLog log) {
    if (log == null) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(SAVE_LOG)
        .execute(Tuple.of(build.id(), log.text(), log.truncated()))
        .mapEmpty();
  }

  /**
   * Gives Job names to the oldest queued builds, as many as free slots allow. Replicas doing this
   * at once take turns on an advisory lock, so the limit holds across them.
   */
  public Future<List<Claimed>> claim(int concurrency) {
    return db.pool().withTransaction(tx -> claimIn(tx, concurrency));
  }

  private Future<List<Claimed>> claimIn(SqlConnection tx, int concurrency) {
    return tx.query(DISPATCH_LOCK)
        .execute()
        .compose(v -> tx.query(OCCUPIED).execute())
        .compose(
            rows -> {
              long free = concurrency - rows.iterator().next().getLong(0);
              if (free <= 0) {
                return Future.succeededFuture(List.<Claimed>of());
              }
              return tx.preparedQuery(NEXT_QUEUED)
                  .execute(Tuple.of(free))
                  .compose(ids -> claimIds(tx, ids));
            });
  }

  private Future<List<Claimed>> claimIds(SqlConnection tx, RowSet<Row> ids) {
    if (ids.size() == 0) {
      return Future.succeededFuture(List.of());
    }
    List<UUID> list = new ArrayList<>();
    ids.forEach(r -> list.add(r.getUUID(0)));
    return tx.preparedQuery(CLAIM)
        .execute(Tuple.of((Object) list.toArray(UUID[]::new)))
        .map(
            rows -> {
              List<Claimed> out = new ArrayList<>();
              rows.forEach(
                  r ->
                      out.add(
                          new Claimed(
                              BuildRows.map(r),
                              source(r),
                              r.getString("resolved_ref"),
                              r.getInteger("attempts"))));
              return out;
            });
  }

  /**
   * Gives a build's slot back after its Job could not be created; it is tried again at {@code
   * retryAt}.
   *
   * @return how many attempts failed so far
   */
  public Future<Integer> unclaim(UUID id, Instant retryAt) {
    return db.client()
        .preparedQuery(UNCLAIM)
        .execute(Tuple.of(id, OffsetDateTime.ofInstant(retryAt, ZoneOffset.UTC)))
        .map(rows -> rows.size() == 0 ? 0 : rows.iterator().next().getInteger(0));
  }

  /** Every build that has not ended, oldest first. */
  public Future<List<Open>> open() {
    return db.client()
        .query(OPEN)
        .execute()
        .map(
            rows -> {
              List<Open> out = new ArrayList<>();
              rows.forEach(
                  r -> {
                    OffsetDateTime d = r.getOffsetDateTime("dispatched_at");
                    out.add(new Open(BuildRows.map(r), d == null ? null : d.toInstant()));
                  });
              return out;
            });
  }

  private static BuildSource source(Row r) {
    return BuildSource.fromJson(r.getJsonObject("source"));
  }
}
