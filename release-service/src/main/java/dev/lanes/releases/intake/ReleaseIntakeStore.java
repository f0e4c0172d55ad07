package dev.lanes.releases.intake;

import dev.lanes.common.apps.AppQueries;
import dev.lanes.common.apps.AppQueries.ReleaseDefaults;
import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.BuildStatus;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.common.outbox.Outbox;
import dev.lanes.common.releases.ReleaseIntake;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.common.releases.ReleaseQueries;
import dev.lanes.common.releases.ReleaseRequest;
import dev.lanes.common.releases.ReleaseRows;
import dev.lanes.common.releases.Revision;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * {@link ReleaseIntake} on release-service's tables: a release created or changed, rolled back or
 * undeployed. Every change is a new revision, recorded with its history and the command that rolls
 * it out in one transaction; two changes to the same (app, lane) at once take turns on its row, so
 * revisions stay consecutive and the last one wins. The API asks for them through {@link
 * ReleaseIntakeResponder}; reads are {@link ReleaseQueries}.
 */
public final class ReleaseIntakeStore implements ReleaseIntake {

  private static final String LANE = "select name, status from lanes where name = $1 for share";
  private static final String CURRENT =
      "select " + ReleaseRows.COLUMNS + " from releases where app = $1 and lane = $2 for update";
  private static final String BY_ID =
      "select " + ReleaseRows.COLUMNS + " from releases where id = $1";
  private static final String UPSERT =
      "insert into releases (id, app, lane, tag, image, replicas, envs, revision, status,"
          + " deployment, service) values ($1, $2, $3, $4, $5, $6, $7, 1, 'pending', $8, $9) on"
          + " conflict (app, lane) do update set tag = excluded.tag, image = excluded.image,"
          + " replicas = excluded.replicas, envs = excluded.envs, revision = releases.revision +"
          + " 1, status = 'pending', reason = null, message = null, deployment ="
          + " excluded.deployment, service = excluded.service, updated_at = now(),"
          + " status_changed_at = now() returning "
          + ReleaseRows.COLUMNS;
  private static final String REVISION =
      "insert into release_revisions (release_id, revision, tag, image, replicas, envs, cause)"
          + " values ($1, $2, $3, $4, $5, $6, $7)";
  private static final String ONE_REVISION =
      "select revision, tag, image, replicas, envs, cause, created_at from release_revisions where"
          + " release_id = $1 and revision = $2";
  private static final String MARK_DELETING =
      "update releases set status = 'deleting', reason = null, message = null, status_changed_at ="
          + " now() where id = $1 returning "
          + ReleaseRows.COLUMNS;

  private final Database db;
  private final ReleaseQueries queries;

  public ReleaseIntakeStore(Database db) {
    this.db = db;
    this.queries = new ReleaseQueries(db);
  }

  /**
   * Creates the release of (app, lane) or changes it: a new revision, {@code pending}.
   *
   * @throws ClientError {@code app_not_found}, {@code lane_not_found}, {@code name_too_long},
   *     {@code tag_not_found}, {@code build_not_succeeded}, {@code app_has_no_image_repo}, {@code
   *     lane_deleting}, {@code release_deleting}, {@code validation_failed} (no tag for a new one)
   */
  @Override
  public Future<Release> release(Actor actor, ReleaseRequest request) {
    return release(actor, AuditAction.RELEASE_DEPLOY, request);
  }

  private Future<Release> release(Actor actor, AuditAction action, ReleaseRequest request) {
    if (!LaneNames.fits(request.app(), request.lane())) {
      return Future.failedFuture(
          new ClientError(
              ErrorCode.NAME_TOO_LONG,
              "'"
                  + LaneNames.laneObject(request.app(), request.lane())
                  + "' is longer than 63"
                  + " characters: Kubernetes cannot name its Deployment; use a shorter lane"));
    }
    return db.pool()
        .withTransaction(
            tx ->
                release(tx, request, null)
                    .compose(r -> AuditLog.append(tx, entry(actor, action, r, request), r)));
  }

  /** A release changed: its app, lane, the revision made, and the env keys asked to change. */
  private static AuditEntry entry(
      Actor actor, AuditAction action, Release r, ReleaseRequest request) {
    JsonObject details =
        new JsonObject()
            .put("app", r.app())
            .put("lane", r.lane())
            .put("revision", r.revision())
            .put("tag", r.tag())
            .put("replicas", r.replicas());
    if (request != null && request.envs() != null) {
      details.put("envs", new JsonArray(List.copyOf(new TreeSet<>(request.envs().keySet()))));
    }
    if (request != null && request.clearEnvs()) {
      details.put("envs_cleared", true);
    }
    return AuditEntry.succeeded(actor, action, r.id().toString(), details);
  }

  /** Changes the release with this id, as {@link #release} does. */
  @Override
  public Future<Release> update(Actor actor, UUID id, ReleaseRequest request) {
    return queries
        .get(id)
        .compose(
            current ->
                release(
                    actor,
                    AuditAction.RELEASE_UPDATE,
                    new ReleaseRequest(
                        current.app(),
                        current.lane(),
                        request.tag(),
                        request.replicas(),
                        request.envs(),
                        request.clearEnvs())));
  }

  private Future<Release> release(SqlConnection tx, ReleaseRequest req, Revision rollbackTo) {
    return AppQueries.releaseDefaultsForShare(tx, req.app())
        .map(app -> requireApp(req.app(), app))
        .compose(app -> requireLane(tx, req.lane()).map(app))
        .compose(
            app ->
                tx.preparedQuery(CURRENT)
                    .execute(Tuple.of(req.app(), req.lane()))
                    .compose(rows -> next(tx, app, req, rows, rollbackTo)));
  }

  private Future<Release> next(
      SqlConnection tx,
      ReleaseDefaults app,
      ReleaseRequest req,
      RowSet<Row> current,
      Revision rollbackTo) {
    Release existing = current.size() == 0 ? null : ReleaseRows.map(current.iterator().next());
    if (existing != null && existing.status() == ReleaseStatus.DELETING) {
      throw new ClientError(
          ErrorCode.RELEASE_DELETING,
          "the release of '"
              + req.app()
              + "' in lane '"
              + req.lane()
              + "' is being undeployed;"
              + " release again once it is gone");
    }
    NextRevision next =
        rollbackTo != null
            ? NextRevision.rollbackTo(rollbackTo)
            : NextRevision.of(existing, req, app.replicas());
    return image(tx, app, next)
        .compose(image -> upsert(tx, req, existing, next, image, app.port()))
        .compose(r -> record(tx, r, next.cause()));
  }

  private static ReleaseDefaults requireApp(String app, Optional<ReleaseDefaults> found) {
    return found.orElseThrow(() -> ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", app));
  }

  private static Future<Void> requireLane(SqlConnection tx, String lane) {
    return tx.preparedQuery(LANE)
        .execute(Tuple.of(lane))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw ClientError.notFound(ErrorCode.LANE_NOT_FOUND, "lane", lane);
              }
              if ("deleting".equals(rows.iterator().next().getString("status"))) {
                throw new ClientError(
                    ErrorCode.LANE_DELETING, "lane '" + lane + "' is being deleted");
              }
              return null;
            });
  }

  /** The image of a succeeded build of the app's image repo with that tag. */
  private static Future<String> image(SqlConnection tx, ReleaseDefaults app, NextRevision next) {
    if (next.image() != null) {
      return Future.succeededFuture(next.image());
    }
    String tag = next.tag();
    String repo = app.imageRepo();
    if (repo == null) {
      return Future.failedFuture(
          new ClientError(
              ErrorCode.APP_HAS_NO_IMAGE_REPO,
              "app '" + app.name() + "' has no image repo, so no build has a tag"));
    }
    return BuildQueries.tagged(tx, repo, tag)
        .map(
            found -> {
              if (found.isEmpty()) {
                throw new ClientError(
                    ErrorCode.TAG_NOT_FOUND,
                    "no build of image repo '" + repo + "' has tag '" + tag + "'",
                    List.of(new FieldError("tag", "no build has this tag")));
              }
              BuildQueries.Tagged build = found.get();
              if (build.status() != BuildStatus.SUCCEEDED) {
                throw new ClientError(
                    ErrorCode.BUILD_NOT_SUCCEEDED,
                    "the build of tag '"
                        + tag
                        + "' is "
                        + build.status().value()
                        + "; only a succeeded build can be released");
              }
              return build.image();
            });
  }

  private Future<Release> upsert(
      SqlConnection tx,
      ReleaseRequest req,
      Release existing,
      NextRevision next,
      String image,
      int port) {
    String name = LaneNames.laneObject(req.app(), req.lane());
    return tx.preparedQuery(UPSERT)
        .execute(
            Tuple.of(
                existing == null ? UUID.randomUUID() : existing.id(),
                req.app(),
                req.lane(),
                next.tag(),
                image,
                next.replicas(),
                Rows.json(next.envs()),
                name,
                port == 0 ? null : name))
        .map(rows -> ReleaseRows.map(rows.iterator().next()));
  }

  private Future<Release> record(SqlConnection tx, Release r, String cause) {
    return tx.preparedQuery(REVISION)
        .execute(
            Tuple.of(r.id(), r.revision(), r.tag(), r.image(), r.replicas(), Rows.json(r.envs()))
                .addString(cause))
        .compose(v -> Outbox.append(tx, ReleaseMessages.apply(r)))
        .compose(v -> Outbox.append(tx, ReleaseMessages.status(r, ReleaseMessages.GATEWAY)))
        .map(r);
  }

  /**
   * Releases revision {@code revision} again, as a new revision; {@code null}: the one before the
   * current one.
   *
   * @throws ClientError {@code release_not_found}, {@code revision_not_found}
   */
  @Override
  public Future<Release> rollback(Actor actor, UUID id, Integer revision) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(BY_ID + " for update")
                    .execute(Tuple.of(id))
                    .map(rows -> ReleaseQueries.one(rows, id))
                    .compose(
                        current -> {
                          int target = revision != null ? revision : current.revision() - 1;
                          return tx.preparedQuery(ONE_REVISION)
                              .execute(Tuple.of(id, target))
                              .map(rows -> revisionOrFail(rows, current, target))
                              .compose(
                                  rev ->
                                      release(
                                          tx,
                                          new ReleaseRequest(
                                              current.app(),
                                              current.lane(),
                                              null,
                                              null,
                                              null,
                                              false),
                                          rev));
                        })
                    .compose(
                        r ->
                            AuditLog.append(
                                tx, entry(actor, AuditAction.RELEASE_ROLLBACK, r, null), r)));
  }

  private static Revision revisionOrFail(RowSet<Row> rows, Release current, int target) {
    if (rows.size() == 0) {
      throw new ClientError(
          ErrorCode.REVISION_NOT_FOUND,
          target < 1
              ? "release " + current.id() + " has no revision before " + current.revision()
              : "release " + current.id() + " has no revision " + target);
    }
    return ReleaseQueries.revision(rows.iterator().next());
  }

  /**
   * Starts undeploying a release: {@code deleting} at once, gone once its objects are.
   *
   * @throws ClientError {@code release_not_found}
   */
  @Override
  public Future<Release> delete(Actor actor, UUID id) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(BY_ID + " for update")
                    .execute(Tuple.of(id))
                    .map(rows -> ReleaseQueries.one(rows, id))
                    .compose(r -> markDeleting(tx, r))
                    .compose(
                        r ->
                            AuditLog.append(
                                tx,
                                AuditEntry.succeeded(
                                    actor,
                                    AuditAction.RELEASE_DELETE,
                                    r.id().toString(),
                                    new JsonObject().put("app", r.app()).put("lane", r.lane())),
                                r)));
  }

  /** Marks {@code r} deleting and writes the command that undeploys it; used by lane deletion. */
  static Future<Release> markDeleting(SqlConnection tx, Release r) {
    if (r.status() == ReleaseStatus.DELETING) {
      return Future.succeededFuture(r);
    }
    return tx.preparedQuery(MARK_DELETING)
        .execute(Tuple.of(r.id()))
        .map(rows -> ReleaseRows.map(rows.iterator().next()))
        .compose(d -> Outbox.append(tx, ReleaseMessages.delete(d)).map(d))
        .compose(d -> Outbox.append(tx, ReleaseMessages.status(d, ReleaseMessages.GATEWAY)).map(d));
  }
}
