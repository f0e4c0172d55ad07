package dev.lanes.common.lanes;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Requester;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** {@link LaneIntake} asked of release-service on {@link Channels#RELEASE_REQUESTS}. */
public final class RemoteLaneIntake implements LaneIntake {

  private final Requester requester;

  public RemoteLaneIntake(Requester requester) {
    this.requester = requester;
  }

  @Override
  public Future<Lane> create(Actor actor, Lane lane) {
    return ask(CREATE, lane.name(), actor, new JsonObject().put("lane", Json.toJson(lane)));
  }

  @Override
  public Future<Lane> delete(Actor actor, String name) {
    return ask(DELETE, name, actor, new JsonObject().put("name", name));
  }

  private Future<Lane> ask(String type, String key, Actor actor, JsonObject body) {
    return requester
        .request(Channels.RELEASE_REQUESTS, type, key, body.put("actor", actor.toJson()))
        .map(result -> Json.read(result, Lane.class));
  }
}
