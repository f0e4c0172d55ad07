package dev.lanes.common.builds;

import dev.lanes.common.domain.Build;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.outbox.OutboxEntry;
import io.vertx.core.json.JsonObject;

/**
 * The commands build-service takes and the events it emits, as CloudEvents. Commands travel on
 * {@link Channels#BUILD_COMMANDS}, keyed by app; {@code dev.lanes.build.status} travels on {@link
 * Channels#EVENTS} with the build as it is after the change.
 */
public final class BuildMessages {

  /** Command: resolve the ref of a pending build and queue it. Data: {@code {"build_id"}}. */
  public static final String REQUESTED = "dev.lanes.build.requested";

  /** Command: stop a cancelled build's Job. Data: {@code {"build_id"}}. */
  public static final String CANCEL = "dev.lanes.build.cancel";

  /** Event: a build's status changed. Data: the build. */
  public static final String STATUS = "dev.lanes.build.status";

  public static final String AGGREGATE = "build";
  public static final String GATEWAY = "/lanes/api-gateway";
  public static final String BUILD_SERVICE = "/lanes/build-service";

  private BuildMessages() {}

  public static OutboxEntry requested(Build build) {
    return command(REQUESTED, build);
  }

  public static OutboxEntry cancel(Build build) {
    return command(CANCEL, build);
  }

  /** The status event of {@code build}, from {@code source}. */
  public static OutboxEntry status(Build build, String source) {
    return new OutboxEntry(
        AGGREGATE,
        build.id().toString(),
        Channels.EVENTS,
        false,
        Message.of(
            STATUS,
            source,
            build.id().toString(),
            build.app(),
            new JsonObject(Json.writeString(build))));
  }

  private static OutboxEntry command(String type, Build build) {
    return new OutboxEntry(
        AGGREGATE,
        build.id().toString(),
        Channels.BUILD_COMMANDS,
        true,
        Message.of(
            type,
            GATEWAY,
            build.id().toString(),
            build.app(),
            new JsonObject().put("build_id", build.id().toString()).put("app", build.app())));
  }
}
