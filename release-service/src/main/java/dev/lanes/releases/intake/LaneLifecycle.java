package dev.lanes.releases.intake;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.PgErrors;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.lanes.LaneIntake;
import dev.lanes.common.lanes.LaneRows;
import dev.lanes.common.outbox.Outbox;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.common.releases.ReleaseRows;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Every write of the table {@code lanes}: a lane created, and its deletion, which is a cascade: the
 * lane turns {@code deleting}, every release in it is undeployed, then the lane row goes. A lane
 * without releases goes at once. Used by the API, by lane expiry and when an undeploy finishes.
 */
public final class LaneLifecycle implements LaneIntake {

  private static final String INSERT =
      "insert into lanes (name, description, ttl_seconds, protected) values ($1, $2, $3, $4)"
          + " returning "
          + LaneRows.COLUMNS;
  private static final String LANE =
      "select " + LaneRows.COLUMNS + " from lanes where name = $1 for update";
  private static final String RELEASES =
      "select " + ReleaseRows.COLUMNS + " from releases where lane = $1 for update";
  private static final String MARK =
      "update lanes set status = 'deleting', deleting_since = coalesce(deleting_since, now()),"
          + " updated_at = now() where name = $1";
  private static final String DELETE = "delete from lanes where name = $1";
  private static final String EXPIRED =
      "select name from lanes where status = 'active' and not protected and ttl_seconds is not"
          + " null and created_at + ttl_seconds * interval '1 second' <= now()";
  private static final String EMPTY_DELETING =
      "select l.name from lanes l where l.status = 'deleting' and not exists (select 1 from"
          + " releases r where r.lane = l.name)";

  /** Who deletes a lane whose time ran out, as the audit log names it. */
  static final Actor EXPIRY = Actor.system("lane-expiry");

  private final Database db;
  private final String source;

  /**
   * @param source the CloudEvents source of the lane events this writes
   */
  public LaneLifecycle(Database db, String source) {
    this.db = db;
    this.source = source;
  }

  /**
   * Creates a lane and its {@code lane.created} event.
   *
   * @throws ClientError {@code lane_exists}
   */
  @Override
  public Future<Lane> create(Actor actor, Lane lane) {
    return db.pool()
        .withTransaction(
            tx ->
                insertWithEvent(tx, lane)
                    .compose(
                        created ->
                            AuditLog.append(
                                tx,
                                AuditEntry.succeeded(
                                    actor,
                                    AuditAction.LANE_CREATE,
                                    created.name(),
                                    new JsonObject()
                                        .put("ttl_seconds", created.ttlSeconds())
                                        .put("protected", created.isProtected())),
                                created)))
        .recover(e -> Future.failedFuture(translateInsert(e, lane.name())));
  }

  private Future<Lane> insertWithEvent(SqlConnection tx, Lane lane) {
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(lane.name(), lane.description(), lane.ttlSeconds(), lane.isProtected()))
        .map(rows -> LaneRows.map(rows.iterator().next()))
        .compose(
            created ->
                Outbox.append(
                        tx, ReleaseMessages.lane(ReleaseMessages.LANE_CREATED, created, source))
                    .map(created));
  }

  private static Throwable translateInsert(Throwable e, String name) {
    if (PgErrors.isUniqueViolation(e)) {
      return ClientError.exists(ErrorCode.LANE_EXISTS, "lane", name);
    }
    return e;
  }

  /**
   * Starts deleting the lane; answers it as it now is (status {@code deleting}).
   *
   * @throws ClientError {@code lane_not_found}, {@code lane_protected}
   */
  @Override
  public Future<Lane> delete(Actor actor, String name) {
    return db.pool()
        .withTransaction(
            tx ->
                delete(tx, name)
                    .compose(
                        lane ->
                            AuditLog.append(
                                tx,
                                AuditEntry.succeeded(
                                    actor, AuditAction.LANE_DELETE, name, new JsonObject()),
                                lane)));
  }

  private Future<Lane> delete(SqlConnection tx, String name) {
    return tx.preparedQuery(LANE)
        .execute(Tuple.of(name))
        .map(rows -> lane(rows, name))
        .compose(
            lane ->
                tx.preparedQuery(RELEASES)
                    .execute(Tuple.of(name))
                    .compose(r -> cascade(tx, lane, r)));
  }

  private Future<Lane> cascade(SqlConnection tx, Lane lane, RowSet<Row> releases) {
    if (lane.isProtected()) {
      return Future.failedFuture(
          new ClientError(
              ErrorCode.LANE_PROTECTED,
              "lane '" + lane.name() + "' is protected: the platform deploys itself into it"));
    }
    Lane deleting = deleting(lane);
    if (releases.size() == 0) {
      return tx.preparedQuery(DELETE)
          .execute(Tuple.of(lane.name()))
          .compose(
              v ->
                  Outbox.append(
                      tx, ReleaseMessages.lane(ReleaseMessages.LANE_DELETED, deleting, source)))
          .map(deleting);
    }
    Future<Void> chain = tx.preparedQuery(MARK).execute(Tuple.of(lane.name())).mapEmpty();
    if (!Lane.DELETING.equals(lane.status())) {
      chain =
          chain.compose(
              v ->
                  Outbox.append(
                      tx, ReleaseMessages.lane(ReleaseMessages.LANE_DELETING, deleting, source)));
    }
    for (Row row : releases) {
      chain =
          chain.compose(v -> ReleaseIntakeStore.markDeleting(tx, ReleaseRows.map(row)).mapEmpty());
    }
    return chain.map(deleting);
  }

  /** Starts deleting every lane whose time is up; answers their names. */
  public Future<List<String>> expire() {
    return names(EXPIRED)
        .compose(
            names -> {
              Future<Void> chain = Future.succeededFuture();
              for (String name : names) {
                chain =
                    chain.compose(
                        v ->
                            expireOne(name)
                                .<Void>mapEmpty()
                                .recover(e -> Future.succeededFuture()));
              }
              return chain.map(names);
            });
  }

  /**
   * Starts deleting an expired lane, recorded as the platform's doing, unless another sweep (an
   * overlapping round, the leader before a failover) already did: then nothing is written twice.
   */
  private Future<Lane> expireOne(String name) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(LANE)
                    .execute(Tuple.of(name))
                    .map(rows -> lane(rows, name))
                    .compose(
                        lane ->
                            !Lane.ACTIVE.equals(lane.status())
                                ? Future.succeededFuture(lane)
                                : delete(tx, name)
                                    .compose(
                                        deleting ->
                                            AuditLog.append(
                                                tx,
                                                AuditEntry.succeeded(
                                                    EXPIRY,
                                                    AuditAction.LANE_EXPIRE,
                                                    name,
                                                    new JsonObject()
                                                        .put("ttl_seconds", lane.ttlSeconds())),
                                                deleting))));
  }

  /** Deletes the lanes being deleted whose releases are all gone; answers their names. */
  public Future<List<String>> finish() {
    return names(EMPTY_DELETING)
        .compose(
            names -> {
              Future<Void> chain = Future.succeededFuture();
              for (String name : names) {
                chain =
                    chain.compose(
                        v ->
                            db.pool()
                                .withTransaction(tx -> delete(tx, name))
                                .<Void>mapEmpty()
                                .recover(e -> Future.succeededFuture()));
              }
              return chain.map(names);
            });
  }

  private Future<List<String>> names(String sql) {
    return db.client()
        .query(sql)
        .execute()
        .map(
            rows -> {
              List<String> out = new ArrayList<>();
              rows.forEach(r -> out.add(r.getString(0)));
              return out;
            });
  }

  private static Lane lane(RowSet<Row> rows, String name) {
    if (rows.size() == 0) {
      throw ClientError.notFound(ErrorCode.LANE_NOT_FOUND, "lane", name);
    }
    return LaneRows.map(rows.iterator().next());
  }

  private static Lane deleting(Lane lane) {
    return new Lane(
        lane.name(),
        lane.description(),
        lane.ttlSeconds(),
        lane.isProtected(),
        Lane.DELETING,
        lane.expiresAt(),
        lane.createdAt(),
        Instant.now());
  }
}
