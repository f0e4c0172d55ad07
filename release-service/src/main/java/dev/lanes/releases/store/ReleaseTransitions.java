package dev.lanes.releases.store;

import dev.lanes.common.apps.AppQueries;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseReason;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.metrics.OutcomeTimers;
import dev.lanes.common.outbox.Outbox;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.common.releases.ReleaseRows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Every change release-service makes to a release, guarded by the revision it concerns and the
 * statuses it may start from (a late or repeated change does nothing), each with its event in the
 * same transaction.
 */
public final class ReleaseTransitions {

  /** What applying a revision needs: the release, its app, and its secret envs still sealed. */
  public record ApplyInput(Release release, App app, byte[] sealedSecrets) {}

  /** A release that has not settled, and since when its status is what it is. */
  public record Open(Release release, Instant since) {}

  private static final String GET =
      "select " + ReleaseRows.COLUMNS + " from releases where id = $1";
  private static final String SET_STATUS =
      "update releases set status = $3, reason = $4, message = $5, status_changed_at = now() where"
          + " id = $1 and revision = $2 and status = any($6::text[]) returning "
          + ReleaseRows.COLUMNS;
  private static final String DELETE =
      "delete from releases where id = $1 and status = 'deleting' returning " + ReleaseRows.COLUMNS;
  private static final String OTHERS = "select count(*) from releases where app = $1 and id <> $2";
  private static final String OPEN =
      "select "
          + ReleaseRows.COLUMNS
          + ", status_changed_at from releases where status in ('pending', 'progressing',"
          + " 'deleting') order by status_changed_at";

  private static final String LIVE =
      "select "
          + ReleaseRows.COLUMNS
          + " from releases where status <> 'deleting' order by app, lane";

  private static final String COUNT_BY_STATUS =
      "select status, count(*) from releases group by status";

  private final Database db;
  private final OutcomeTimers durations;

  public ReleaseTransitions(Database db) {
    this(db, null);
  }

  /**
   * @param durations where settled revisions' rollout durations go, or {@code null}
   */
  public ReleaseTransitions(Database db, OutcomeTimers durations) {
    this.db = db;
    this.durations = durations;
  }

  /** How many releases there are in each status (for the {@code lanes_releases} gauges). */
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

  /** A revision settled: how long from its request (the release's updated_at) until now. */
  private void settled(Release r) {
    if (durations != null && r.updatedAt() != null) {
      durations.record(
          r.status().name().toLowerCase(java.util.Locale.ROOT),
          Duration.between(r.updatedAt(), Instant.now()));
    }
  }

  /** The inputs of applying {@code revision}, unless it is no longer the current one. */
  public Future<Optional<ApplyInput>> forApply(UUID id, int revision) {
    return get(id)
        .compose(
            release ->
                release.isEmpty()
                        || release.get().revision() != revision
                        || release.get().status() == ReleaseStatus.DELETING
                    ? Future.succeededFuture(Optional.<ApplyInput>empty())
                    : withApp(release.get()));
  }

  private Future<Optional<ApplyInput>> withApp(Release release) {
    return AppQueries.withSealedSecrets(db.client(), release.app())
        .map(found -> found.map(s -> new ApplyInput(release, s.app(), s.secretEnvs())));
  }

  public Future<Optional<Release>> get(UUID id) {
    return db.client()
        .preparedQuery(GET)
        .execute(Tuple.of(id))
        .map(
            rows ->
                rows.size() == 0
                    ? Optional.empty()
                    : Optional.of(ReleaseRows.map(rows.iterator().next())));
  }

  /** pending → progressing: its objects are written, the rollout runs. */
  public Future<Optional<Release>> progressing(UUID id, int revision) {
    return set(id, revision, "progressing", null, null, "pending");
  }

  /** pending or progressing → deployed: every pod of the revision is available. */
  public Future<Optional<Release>> deployed(UUID id, int revision) {
    return set(id, revision, "deployed", null, null, "pending", "progressing")
        .onSuccess(r -> r.ifPresent(this::settled));
  }

  /**
   * → failed, with why (a code for clients to match on and words for people); also from deployed,
   * when its Deployment was deleted under it.
   *
   * @throws NullPointerException when {@code reason} is {@code null}: every failed release says why
   */
  public Future<Optional<Release>> failed(
      UUID id, int revision, ReleaseReason reason, String message, boolean evenIfDeployed) {
    Objects.requireNonNull(reason, "a failed release needs a reason");
    Future<Optional<Release>> rollout =
        set(id, revision, "failed", reason, message, "pending", "progressing")
            .onSuccess(r -> r.ifPresent(this::settled));
    // a deployed release whose Deployment went: not the end of a rollout, so not timed
    return evenIfDeployed
        ? rollout.compose(
            r ->
                r.isPresent()
                    ? Future.succeededFuture(r)
                    : set(id, revision, "failed", reason, message, "deployed"))
        : rollout;
  }

  private Future<Optional<Release>> set(
      UUID id, int revision, String status, ReleaseReason reason, String message, String... from) {
    return db.pool()
        .withTransaction(
            tx ->
                tx.preparedQuery(SET_STATUS)
                    .execute(
                        Tuple.of(
                            id,
                            revision,
                            status,
                            reason == null ? null : reason.code(),
                            message,
                            from))
                    .compose(
                        rows -> {
                          if (rows.size() == 0) {
                            return Future.succeededFuture(Optional.<Release>empty());
                          }
                          Release r = ReleaseRows.map(rows.iterator().next());
                          return Outbox.append(
                                  tx, ReleaseMessages.status(r, ReleaseMessages.RELEASE_SERVICE))
                              .map(v -> Optional.of(r));
                        }));
  }

  /** Whether the app has releases other than {@code id} (which then still need its Secret). */
  public Future<Boolean> othersOfApp(String app, UUID id) {
    return db.client()
        .preparedQuery(OTHERS)
        .execute(Tuple.of(app, id))
        .map(rows -> rows.iterator().next().getLong(0) > 0);
  }

  /** Forgets an undeployed release. */
  public Future<Optional<Release>> deleted(UUID id) {
    return db.pool().withTransaction(tx -> deleteIn(tx, id));
  }

  private Future<Optional<Release>> deleteIn(SqlConnection tx, UUID id) {
    return tx.preparedQuery(DELETE)
        .execute(Tuple.of(id))
        .compose(
            rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(Optional.<Release>empty());
              }
              Release r = ReleaseRows.map(rows.iterator().next());
              return Outbox.append(tx, ReleaseMessages.deleted(r, ReleaseMessages.RELEASE_SERVICE))
                  .map(v -> Optional.of(r));
            });
  }

  /** Every release that should run. */
  public Future<List<Release>> live() {
    return db.client().query(LIVE).execute().map(ReleaseRows::all);
  }

  public Future<List<Open>> open() {
    return db.client()
        .query(OPEN)
        .execute()
        .map(
            rows -> {
              List<Open> out = new ArrayList<>();
              rows.forEach(
                  r -> out.add(new Open(ReleaseRows.map(r), Rows.instant(r, "status_changed_at"))));
              return out;
            });
  }
}
