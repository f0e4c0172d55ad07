package dev.lanes.releases.intake;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.json.Json;
import dev.lanes.common.lanes.LaneIntake;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.MalformedMessage;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.Responder;
import dev.lanes.common.messaging.Subscription;
import dev.lanes.common.releases.ReleaseIntake;
import dev.lanes.common.releases.ReleaseRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Answers the API's requests of {@link ReleaseIntake} and {@link LaneIntake} on {@link
 * Channels#RELEASE_REQUESTS}.
 */
public final class ReleaseIntakeResponder {

  /** The CloudEvents source of the answers. */
  public static final String SOURCE = "/lanes/release-service";

  /** Every replica answers, one per request: a consumer group. */
  public static final String GROUP = "release-service-intake";

  private ReleaseIntakeResponder() {}

  /** Starts answering requests with {@code releases} and {@code lanes}. */
  public static Future<Subscription> start(
      Messaging messaging, ReleaseIntake releases, LaneIntake lanes) {
    return messaging.consume(
        Channels.RELEASE_REQUESTS, GROUP, responder(messaging, releases, lanes));
  }

  static Responder responder(Messaging messaging, ReleaseIntake releases, LaneIntake lanes) {
    return new Responder(
        messaging,
        SOURCE,
        Map.of(
            ReleaseIntake.RELEASE,
            body -> releases.release(actor(body), request(body)).map(Json::toJson),
            ReleaseIntake.UPDATE,
            body ->
                releases
                    .update(actor(body), MalformedMessage.uuid(body, "id"), request(body))
                    .map(Json::toJson),
            ReleaseIntake.ROLLBACK,
            body ->
                releases
                    .rollback(
                        actor(body), MalformedMessage.uuid(body, "id"), body.getInteger("revision"))
                    .map(Json::toJson),
            ReleaseIntake.DELETE,
            body ->
                releases.delete(actor(body), MalformedMessage.uuid(body, "id")).map(Json::toJson),
            LaneIntake.CREATE,
            body -> lanes.create(actor(body), read(body, "lane", Lane.class)).map(Json::toJson),
            LaneIntake.DELETE,
            body ->
                lanes.delete(actor(body), MalformedMessage.text(body, "name")).map(Json::toJson)));
  }

  private static Actor actor(JsonObject body) {
    return Actor.from(body.getJsonObject("actor"));
  }

  private static ReleaseRequest request(JsonObject body) {
    return read(body, "request", ReleaseRequest.class);
  }

  private static <T> T read(JsonObject body, String field, Class<T> type) {
    JsonObject value = body.getJsonObject(field);
    if (value == null) {
      throw new MalformedMessage("body." + field, "missing");
    }
    try {
      return Json.read(value, type);
    } catch (IllegalArgumentException e) {
      throw new MalformedMessage("body." + field, e.getMessage());
    }
  }
}
