package dev.lanes.builds.intake;

import dev.lanes.common.builds.BuildIntake;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.MalformedMessage;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.Responder;
import dev.lanes.common.messaging.Subscription;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.UUID;

/** Answers the API's requests of {@link BuildIntake} on {@link Channels#BUILD_REQUESTS}. */
public final class BuildIntakeResponder {

  /** The CloudEvents source of the answers. */
  public static final String SOURCE = "/lanes/build-service";

  /** Every replica answers, one per request: a consumer group. */
  public static final String GROUP = "build-service-intake";

  private BuildIntakeResponder() {}

  /** Starts answering requests with {@code intake}. */
  public static Future<Subscription> start(Messaging messaging, BuildIntake intake) {
    return messaging.consume(Channels.BUILD_REQUESTS, GROUP, responder(messaging, intake));
  }

  static Responder responder(Messaging messaging, BuildIntake intake) {
    return new Responder(
        messaging,
        SOURCE,
        Map.of(
            BuildIntake.REQUEST,
                body ->
                    intake
                        .request(
                            text(body, "app"),
                            text(body, "git_ref"),
                            Boolean.TRUE.equals(body.getBoolean("force")))
                        .map(Json::toJson),
            BuildIntake.CANCEL,
                body ->
                    intake
                        .cancel(text(body, "app"), id(body), text(body, "by"))
                        .map(Json::toJson)));
  }

  private static String text(JsonObject body, String field) {
    String value = body.getString(field);
    if (value == null) {
      throw new MalformedMessage("body." + field, "missing");
    }
    return value;
  }

  private static UUID id(JsonObject body) {
    try {
      return UUID.fromString(text(body, "id"));
    } catch (IllegalArgumentException e) {
      throw new MalformedMessage("body.id", "not a UUID");
    }
  }
}
