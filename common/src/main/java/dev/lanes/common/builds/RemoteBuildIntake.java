package dev.lanes.common.builds;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.domain.Build;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Requester;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** {@link BuildIntake} asked of build-service on {@link Channels#BUILD_REQUESTS}. */
public final class RemoteBuildIntake implements BuildIntake {

  private final Requester requester;

  public RemoteBuildIntake(Requester requester) {
    this.requester = requester;
  }

  @Override
  public Future<Build> request(
      Actor actor, String app, String gitRef, boolean force, BuildOverrides overrides) {
    return ask(
        REQUEST,
        app,
        new JsonObject()
            .put("actor", actor.toJson())
            .put("app", app)
            .put("git_ref", gitRef)
            .put("force", force)
            .put("overrides", overrides.toJson()));
  }

  @Override
  public Future<Build> cancel(Actor actor, String app, UUID id) {
    return ask(
        CANCEL,
        app,
        new JsonObject().put("actor", actor.toJson()).put("app", app).put("id", id.toString()));
  }

  private Future<Build> ask(String type, String app, JsonObject body) {
    return requester
        .request(Channels.BUILD_REQUESTS, type, app, body)
        .map(result -> Json.read(result, Build.class));
  }
}
