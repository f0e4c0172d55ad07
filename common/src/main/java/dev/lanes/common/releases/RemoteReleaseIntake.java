package dev.lanes.common.releases;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.domain.Release;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Requester;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** {@link ReleaseIntake} asked of release-service on {@link Channels#RELEASE_REQUESTS}. */
public final class RemoteReleaseIntake implements ReleaseIntake {

  private final Requester requester;

  public RemoteReleaseIntake(Requester requester) {
    this.requester = requester;
  }

  @Override
  public Future<Release> release(Actor actor, ReleaseRequest request) {
    return ask(
        RELEASE, request.app(), actor, new JsonObject().put("request", Json.toJson(request)));
  }

  @Override
  public Future<Release> update(Actor actor, UUID id, ReleaseRequest request) {
    return ask(
        UPDATE,
        id.toString(),
        actor,
        new JsonObject().put("id", id.toString()).put("request", Json.toJson(request)));
  }

  @Override
  public Future<Release> rollback(Actor actor, UUID id, Integer revision) {
    return ask(
        ROLLBACK,
        id.toString(),
        actor,
        new JsonObject().put("id", id.toString()).put("revision", revision));
  }

  @Override
  public Future<Release> delete(Actor actor, UUID id) {
    return ask(DELETE, id.toString(), actor, new JsonObject().put("id", id.toString()));
  }

  private Future<Release> ask(String type, String key, Actor actor, JsonObject body) {
    return requester
        .request(Channels.RELEASE_REQUESTS, type, key, body.put("actor", actor.toJson()))
        .map(result -> Json.read(result, Release.class));
  }
}
