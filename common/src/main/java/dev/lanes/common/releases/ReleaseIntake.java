package dev.lanes.common.releases;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.domain.Release;
import dev.lanes.common.error.ClientError;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * What the API asks release-service to record of releases, each change with the {@link Actor} who
 * asked: it is written to the audit log in the change's transaction. release-service implements it
 * on its tables; the gateway reaches it through {@link RemoteReleaseIntake}.
 */
public interface ReleaseIntake {

  String RELEASE = "dev.lanes.intake.release.release";
  String UPDATE = "dev.lanes.intake.release.update";
  String ROLLBACK = "dev.lanes.intake.release.rollback";
  String DELETE = "dev.lanes.intake.release.delete";

  /**
   * Creates the release of (app, lane) or changes it: a new revision, {@code pending}.
   *
   * @throws ClientError {@code app_not_found}, {@code lane_not_found}, {@code name_too_long},
   *     {@code tag_not_found}, {@code build_not_succeeded}, {@code app_has_no_image_repo}, {@code
   *     lane_deleting}, {@code release_deleting}, {@code validation_failed} (no tag for a new one)
   */
  Future<Release> release(Actor actor, ReleaseRequest request);

  /** Changes the release with this id, as {@link #release} does. */
  Future<Release> update(Actor actor, UUID id, ReleaseRequest request);

  /**
   * Releases revision {@code revision} again, as a new revision; {@code null}: the one before the
   * current one.
   *
   * @throws ClientError {@code release_not_found}, {@code revision_not_found}
   */
  Future<Release> rollback(Actor actor, UUID id, Integer revision);

  /**
   * Starts undeploying a release: {@code deleting} at once, gone once its objects are.
   *
   * @throws ClientError {@code release_not_found}
   */
  Future<Release> delete(Actor actor, UUID id);
}
