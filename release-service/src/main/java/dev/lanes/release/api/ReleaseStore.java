package dev.lanes.release.api;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.Page;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.common.outbox.Outbox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Releases as the API sees them. Every change is a new revision, recorded with its history and the
 * command that rolls it out in one transaction; two changes to the same (app, lane) at once take
 * turns on its row, so revisions stay consecutive and the last one wins.
 */
public final class ReleaseStore {

  private static final String APP =
      "select name, image_repo, replicas, port from apps where name = $1 for share";
  private static final String LANE = "select name, status from lanes where name = $1 for share";
  private static final String CURRENT =
      "select " + ReleaseRows.COLUMNS + " from releases where app = $1 and lane = $2 for update";
  private static final String BY_ID =
      "select " + ReleaseRows.COLUMNS + " from releases where id = $1";
  private static final String TAG =
      "select status, image from builds where image_repo = $1 and tag = $2 order by (status ="
          + " 'succeeded') desc, finished_at desc nulls last limit 1";
  private static final String UPSERT =
      "insert into releases (id, app, lane, tag, image, replicas, envs, revision, status,"
          + " deployment, service) values ($1, $2, $3, $4, $5, $6, $7, 1, 'pending', $8, $9) on"
          + " conflict (app, lane) do update set tag = excluded.tag, image = excluded.image,"
          + " replicas = excluded.replicas, envs = excluded.envs, revision = releases.revision +"
          + " 1, status = 'pending', message = null, deployment = excluded.deployment, service ="
          + " excluded.service, updated_at = now(), status_changed_at = now() returning "
          + ReleaseRows.COLUMNS;
  private static final String REVISION =
      "insert into release_revisions (release_id, revision, tag, image, replicas, envs, cause)"
          + " values ($1, $2, $3, $4, $5, $6, $7)";
  private static final String HISTORY =
      "select revision, tag, image, replicas, envs, cause, created_at from release_revisions where"
          + " release_id = $1 order by revision desc";
  private static final String ONE_REVISION =
      "select revision, tag, image, replicas, envs, cause, created_at from release_revisions where"
          + " release_id = $1 and revision = $2";
  private static final String LIST =
      "select "
          + ReleaseRows.COLUMNS
          + " from releases where ($1::text is null or app = $1) and ($2::text is null or lane ="
          + " $2) and (app, lane) > ($3, $4) order by app, lane limit $5";
  private static final String MARK_DELETING =
      "update releases set status = 'deleting', message = null, status_changed_at = now() where"
          + " id = $1 returning "
          + ReleaseRows.COLUMNS;

  private final Database db;

  public ReleaseStore(Database db) {
    this.db = db;
  }

  /**
   * Creates the release of (app, lane) or changes it: a new revision, {@code pending}.
   *
   * @throws ClientError {@code app_not_found}, {@code lane_not_found}, {@code name_too_long},
   *     {@code tag_not_found}, {@code build_not_succeeded}, {@code app_has_no_image_repo}, {@code
   *     lane_deleting}, {@code release_deleting}, {@code validation_failed} (no tag for a new one)
   */
  public Future<Release> release(ReleaseRequest request) {
    if (!LaneNames.fits(request.app(), request.lane())) {
      return Future.failedFuture(
          new ClientError(
              ErrorCode.NAME_TOO_LONG,
              "'"
                  + LaneNames.laneObject(request.app(), request.lane())
                  + "' is longer than 63"
                  + " characters: Kubernetes cannot name its Deployment; use a shorter lane"));
    }
    return db.pool().withTransaction(tx -> release(tx, request, null));
  }

  /** Changes the release with this id, as {@link #release} does. */
  public Future<Release> update(UUID id, ReleaseRequest request) {
    return get(id)
        .compose(
            current ->
                release(
                    new ReleaseRequest(
                        current.app(),
                        current.lane(),
                        request.tag(),
                        request.replicas(),
                        request.envs(),
                        request.clearEnvs())));
  }

  private Future<Release> release(SqlConnection tx, ReleaseRequest req, Revision rollbackTo) {
    return tx.preparedQuery(APP)
        .execute(Tuple.of(req.app()))
        .map(rows -> requireApp(req.app(), rows))
        .compose(app -> requireLane(tx, req.lane()).map(app))
        .compose(
            app ->
                tx.preparedQuery(CURRENT)
                    .execute(Tuple.of(req.app(), req.lane()))
                    .compose(rows -> next(tx, app, req, rows, rollbackTo)));
  }

  private Future<Release> next(
      SqlConnection tx, Row app, ReleaseRequest req, RowSet<Row> current, Revision rollbackTo) {
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
    String tag =
        rollbackTo != null
            ? rollbackTo.tag()
            : req.tag() != null ? req.tag() : existing == null ? null : existing.tag();
    if (tag == null) {
      throw ClientError.invalid(List.of(new FieldError("tag", "is required for a new release")));
    }
    int replicas =
        rollbackTo != null
            ? rollbackTo.replicas()
            : req.replicas() != null
                ? req.replicas()
                : existing != null ? existing.replicas() : app.getInteger("replicas");
    Map<String, String> envs =
        rollbackTo != null ? rollbackTo.envs() : merge(existing, req.envs(), req.clearEnvs());
    String cause =
        rollbackTo != null
            ? "rollback to revision " + rollbackTo.revision()
            : existing == null ? "release" : "change";
    return image(tx, app, tag, rollbackTo)
        .compose(
            image -> upsert(tx, req, existing, tag, image, replicas, envs, app.getInteger("port")))
        .compose(r -> record(tx, r, cause));
  }

  private static Row requireApp(String app, RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", app);
    }
    return rows.iterator().next();
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
  private static Future<String> image(SqlConnection tx, Row app, String tag, Revision rollbackTo) {
    if (rollbackTo != null) {
      return Future.succeededFuture(rollbackTo.image());
    }
    String repo = app.getString("image_repo");
    if (repo == null) {
      return Future.failedFuture(
          new ClientError(
              ErrorCode.APP_HAS_NO_IMAGE_REPO,
              "app '" + app.getString("name") + "' has no image repo, so no build has a tag"));
    }
    return tx.preparedQuery(TAG)
        .execute(Tuple.of(repo, tag))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw new ClientError(
                    ErrorCode.TAG_NOT_FOUND,
                    "no build of image repo '" + repo + "' has tag '" + tag + "'",
                    List.of(new FieldError("tag", "no build has this tag")));
              }
              Row build = rows.iterator().next();
              if (!"succeeded".equals(build.getString("status"))) {
                throw new ClientError(
                    ErrorCode.BUILD_NOT_SUCCEEDED,
                    "the build of tag '"
                        + tag
                        + "' is "
                        + build.getString("status")
                        + "; only a succeeded build can be released");
              }
              return build.getString("image");
            });
  }

  private static Map<String, String> merge(
      Release existing, Map<String, String> changes, boolean clear) {
    Map<String, String> out = new TreeMap<>();
    if (existing != null && !clear) {
      out.putAll(existing.envs());
    }
    if (changes != null) {
      changes.forEach(
          (k, v) -> {
            if (v == null) {
              out.remove(k);
            } else {
              out.put(k, v);
            }
          });
    }
    return out;
  }

  private Future<Release> upsert(
      SqlConnection tx,
      ReleaseRequest req,
      Release existing,
      String tag,
      String image,
      int replicas,
      Map<String, String> envs,
      int port) {
    String name = LaneNames.laneObject(req.app(), req.lane());
    return tx.preparedQuery(UPSERT)
        .execute(
            Tuple.of(
                existing == null ? UUID.randomUUID() : existing.id(),
                req.app(),
                req.lane(),
                tag,
                image,
                replicas,
                Rows.json(envs),
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

  /**
   * Releases revision {@code revision} again, as a new revision; {@code null}: the one before the
   * current one.
   *
   * @throws ClientError {@code release_not_found}, {@code revision_not_found}
   */
  public Future<Release> rollback(UUID id, Integer revision) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(BY_ID + " for update")
                    .execute(Tuple.of(id))
                    .map(rows -> one(rows, id))
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
                        }));
  }

  private static Revision revisionOrFail(RowSet<Row> rows, Release current, int target) {
    if (rows.size() == 0) {
      throw new ClientError(
          ErrorCode.REVISION_NOT_FOUND,
          target < 1
              ? "release " + current.id() + " has no revision before " + current.revision()
              : "release " + current.id() + " has no revision " + target);
    }
    return revision(rows.iterator().next());
  }

  /**
   * Starts undeploying a release: {@code deleting} at once, gone once its objects are.
   *
   * @throws ClientError {@code release_not_found}
   */
  public Future<Release> delete(UUID id) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(BY_ID + " for update")
                    .execute(Tuple.of(id))
                    .map(rows -> one(rows, id))
                    .compose(r -> markDeleting(tx, r)));
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

  private static Revision revision(Row row) {
    return new Revision(
        row.getInteger("revision"),
        row.getString("tag"),
        row.getString("image"),
        row.getInteger("replicas"),
        Rows.stringMap(row, "envs"),
        row.getString("cause"),
        Rows.instant(row, "created_at"));
  }

  private static Release one(RowSet<Row> rows, UUID id) {
    if (rows.size() == 0) {
      throw new ClientError(ErrorCode.RELEASE_NOT_FOUND, "release " + id + " does not exist");
    }
    return ReleaseRows.map(rows.iterator().next());
  }
}
