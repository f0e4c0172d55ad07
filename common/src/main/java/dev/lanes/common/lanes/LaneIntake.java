package dev.lanes.common.lanes;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.error.ClientError;
import io.vertx.core.Future;

/**
 * What the API asks release-service to record of lanes, each change with the {@link Actor} who
 * asked. release-service implements it on its table {@code lanes}; the gateway reaches it through
 * {@link RemoteLaneIntake}.
 */
public interface LaneIntake {

  String CREATE = "dev.lanes.intake.lane.create";
  String DELETE = "dev.lanes.intake.lane.delete";

  /**
   * Creates a lane and its {@code lane.created} event.
   *
   * @throws ClientError {@code lane_exists}
   */
  Future<Lane> create(Actor actor, Lane lane);

  /**
   * Starts deleting the lane; answers it as it now is (status {@code deleting}).
   *
   * @throws ClientError {@code lane_not_found}, {@code lane_protected}
   */
  Future<Lane> delete(Actor actor, String name);
}
