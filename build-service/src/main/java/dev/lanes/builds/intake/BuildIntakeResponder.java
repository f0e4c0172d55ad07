package dev.lanes.builds.intake;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.builds.BuildIntake;
import dev.lanes.common.builds.BuildOverrides;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.MalformedMessage;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.Responder;
import dev.lanes.common.messaging.Subscription;
import io.vertx.core.Future;
import java.util.Map;

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
                            Actor.from(body.getJsonObject("actor")),
                            MalformedMessage.text(body, "app"),
                            MalformedMessage.text(body, "git_ref"),
                            Boolean.TRUE.equals(body.getBoolean("force")),
                            BuildOverrides.fromJson(body.getJsonObject("overrides")))
                        .map(Json::toJson),
            BuildIntake.CANCEL,
                body ->
                    intake
                        .cancel(
                            Actor.from(body.getJsonObject("actor")),
                            MalformedMessage.text(body, "app"),
                            MalformedMessage.uuid(body, "id"))
                        .map(Json::toJson)));
  }
}
