package dev.lanes.gateway;

import dev.lanes.builds.intake.BuildIntakeResponder;
import dev.lanes.builds.intake.BuildIntakeStore;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.releases.intake.LaneLifecycle;
import dev.lanes.releases.intake.ReleaseIntakeResponder;
import dev.lanes.releases.intake.ReleaseIntakeStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * The owners' intakes, and nothing else of the services, answering a {@link TestGateway}: what the
 * API records is written by build-service's and release-service's own code, as in production, while
 * no worker picks the commands up, so tests see the rows and commands exactly as the API left them.
 */
public final class IntakeOwners implements TestGateway.Owners {

  /**
   * A gateway on a fresh database whose builds, releases and lanes are recorded by their owners.
   */
  public static TestGateway gateway() {
    return TestGateway.start(Map.of(), new IntakeOwners());
  }

  @Override
  public Future<?> start(Vertx vertx, Messaging messaging, DbConfig db) {
    Database database = Database.create(vertx, db, 2, "intake-owners");
    return BuildIntakeResponder.start(messaging, new BuildIntakeStore(database))
        .compose(
            started ->
                ReleaseIntakeResponder.start(
                    messaging,
                    new ReleaseIntakeStore(database),
                    new LaneLifecycle(database, ReleaseMessages.GATEWAY)));
  }
}
