package dev.lanes.common.builds;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.domain.Build;
import dev.lanes.common.error.ClientError;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * What the API asks build-service to record, each change with the {@link Actor} who asked: it is
 * written to the audit log in the change's transaction. build-service implements it on its tables;
 * the gateway reaches it through {@link RemoteBuildIntake}, a request-reply on the messaging layer.
 */
public interface BuildIntake {

  /** Request type of {@link #request}. */
  String REQUEST = "dev.lanes.intake.build.request";

  /** Request type of {@link #cancel}. */
  String CANCEL = "dev.lanes.intake.build.cancel";

  /**
   * Records a pending build of {@code app}'s image repo and the command that starts it.
   *
   * @param overrides what this build changes of the repo's settings ({@link BuildOverrides#NONE}:
   *     nothing); a build with overrides is never answered by an earlier build of its commit
   * @throws ClientError {@code app_not_found}, {@code app_has_no_image_repo}
   */
  Future<Build> request(
      Actor actor, String app, String gitRef, boolean force, BuildOverrides overrides);

  /**
   * Cancels a build that has not finished: it is {@code cancelled} at once, and build-service
   * deletes its Job.
   *
   * @throws ClientError {@code build_not_found}, {@code build_finished}
   */
  Future<Build> cancel(Actor actor, String app, UUID id);
}
