package dev.lanes.builds.intake;

import dev.lanes.common.apps.AppQueries;
import dev.lanes.common.apps.AppQueries.ImageSource;
import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.builds.BuildIntake;
import dev.lanes.common.builds.BuildMessages;
import dev.lanes.common.builds.BuildOverrides;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.builds.BuildRows;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.db.Database;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link BuildIntake} on build-service's tables: a build requested (the row and its command in one
 * transaction) and a build cancelled. The API asks for them through {@link BuildIntakeResponder};
 * reads are {@link BuildQueries}.
 */
public final class BuildIntakeStore implements BuildIntake {

  private static final String INSERT =
      "insert into builds (id, app, image_repo, git_ref, status, force, source) values ($1, $2,"
          + " $3, $4, 'pending', $5, $6) returning "
          + BuildRows.COLUMNS;
  private static final String GET =
      "select " + BuildRows.COLUMNS + " from builds where app = $1 and id = $2";
  private static final String LOCK = GET + " for update";
  private static final String CANCEL =
      "update builds set status = 'cancelled', reason = $2, message = $3, finished_at = now() where"
          + " id = $1 returning "
          + BuildRows.COLUMNS;
  private final Database db;

  public BuildIntakeStore(Database db) {
    this.db = db;
  }

  /**
   * Records a pending build of {@code app}'s image repo and the command that starts it.
   *
   * @throws ClientError {@code app_not_found}, {@code app_has_no_image_repo}
   */
  @Override
  public Future<Build> request(
      Actor actor, String app, String gitRef, boolean force, BuildOverrides overrides) {
    return db.pool().withTransaction(tx -> insertPending(tx, actor, app, gitRef, force, overrides));
  }

  /**
   * The build's source is the repo's with the request's overrides, recorded with the build, so a
   * restart builds the same; a request with overrides counts as forced: an earlier image of the
   * commit was built without them.
   */
  private Future<Build> insertPending(
      SqlConnection tx,
      Actor actor,
      String app,
      String gitRef,
      boolean force,
      BuildOverrides overrides) {
    boolean forced = force || overrides.any();
    return AppQueries.imageSourceForShare(tx, app)
        .map(found -> sourceOf(app, found))
        .compose(
            source ->
                tx.preparedQuery(INSERT)
                    .execute(
                        Tuple.of(UUID.randomUUID(), app, source.repo(), gitRef, forced)
                            .addValue(source.source().with(overrides).toJson()))
                    .map(rows -> BuildRows.map(rows.iterator().next())))
        .compose(build -> Outbox.append(tx, BuildMessages.requested(build)).map(build))
        .compose(
            build ->
                Outbox.append(tx, BuildMessages.status(build, BuildMessages.GATEWAY)).map(build))
        .compose(
            build ->
                AuditLog.append(
                    tx,
                    AuditEntry.succeeded(
                        actor,
                        AuditAction.BUILD_CREATE,
                        build.id().toString(),
                        new JsonObject()
                            .put("app", app)
                            .put("git_ref", gitRef)
                            .put("force", force)
                            // names only: the values are visible, but the audit log lists what
                            .put(
                                "build_args",
                                new JsonArray(List.copyOf(overrides.buildArgs().keySet())))
                            .put("no_cache", overrides.noCache())),
                    build));
  }

  private record AppSource(String repo, BuildSource source) {}

  private static AppSource sourceOf(String app, Optional<ImageSource> found) {
    ImageSource r =
        found.orElseThrow(() -> ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", app));
    if (r.imageRepo() == null) {
      throw new ClientError(
          ErrorCode.APP_HAS_NO_IMAGE_REPO,
          "app '" + app + "' has no image repo to build; set its image_repo first");
    }
    return new AppSource(
        r.imageRepo(),
        new BuildSource(
            r.gitRepo(),
            r.registry(),
            r.contextDir(),
            r.dockerfile(),
            r.noCache(),
            r.builder(),
            r.buildArgs(),
            r.cacheRepo()));
  }

  /**
   * Cancels a build that has not finished: it is {@code cancelled} at once, and build-service
   * deletes its Job.
   *
   * @throws ClientError {@code build_not_found}, {@code build_finished}
   */
  @Override
  public Future<Build> cancel(Actor actor, String app, UUID id) {
    return db.pool().withTransaction(tx -> lockAndCancel(tx, actor, app, id));
  }

  private Future<Build> lockAndCancel(SqlConnection tx, Actor actor, String app, UUID id) {
    return tx.preparedQuery(LOCK)
        .execute(Tuple.of(app, id))
        .map(rows -> requireUnfinished(BuildQueries.one(rows, app, id)))
        .compose(
            b ->
                tx.preparedQuery(CANCEL)
                    .execute(
                        Tuple.of(id, BuildReason.CANCELLED.code(), "cancelled by " + by(actor))))
        .map(rows -> BuildRows.map(rows.iterator().next()))
        .compose(build -> Outbox.append(tx, BuildMessages.cancel(build)).map(build))
        .compose(
            build ->
                Outbox.append(tx, BuildMessages.status(build, BuildMessages.GATEWAY)).map(build))
        .compose(
            build ->
                AuditLog.append(
                    tx,
                    AuditEntry.succeeded(
                        actor,
                        AuditAction.BUILD_CANCEL,
                        id.toString(),
                        new JsonObject().put("app", app)),
                    build));
  }

  /** Who cancelled, as the build's message has always said it: the key's id. */
  private static String by(Actor actor) {
    return actor.keyId() == null ? actor.keyName() : "API key " + actor.keyId();
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
}
