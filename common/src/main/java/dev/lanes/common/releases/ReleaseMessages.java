package dev.lanes.common.releases;

import dev.lanes.common.domain.Lane;
import dev.lanes.common.domain.Release;
import dev.lanes.common.json.Json;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.outbox.OutboxEntry;
import io.vertx.core.json.JsonObject;

/**
 * The commands release-service takes and the events about releases and lanes, as CloudEvents.
 * Commands travel on {@link Channels#RELEASE_COMMANDS} keyed by app, so one app's commands stay in
 * order; events on {@link Channels#EVENTS}.
 */
public final class ReleaseMessages {

  /** Command: make the cluster run this revision. Data: {@code {"release_id", "revision"}}. */
  public static final String APPLY = "dev.lanes.release.apply";

  /** Command: undeploy the release, then forget it. Data: {@code {"release_id"}}. */
  public static final String DELETE = "dev.lanes.release.delete";

  /** Event: a release's status changed. Data: the release. */
  public static final String STATUS = "dev.lanes.release.status";

  /** Event: a release was undeployed and is gone. Data: the release as it was. */
  public static final String DELETED = "dev.lanes.release.deleted";

  /** Event: a lane is being deleted; its releases are undeployed. Data: the lane. */
  public static final String LANE_CREATED = "dev.lanes.lane.created";

  public static final String LANE_DELETING = "dev.lanes.lane.deleting";

  /** Event: a lane is gone. Data: the lane as it was. */
  public static final String LANE_DELETED = "dev.lanes.lane.deleted";

  public static final String GATEWAY = "/lanes/api-gateway";
  public static final String RELEASE_SERVICE = "/lanes/release-service";

  private ReleaseMessages() {}

  public static OutboxEntry apply(Release r) {
    return command(
        APPLY,
        r,
        new JsonObject().put("release_id", r.id().toString()).put("revision", r.revision()));
  }

  public static OutboxEntry delete(Release r) {
    return command(DELETE, r, new JsonObject().put("release_id", r.id().toString()));
  }

  public static OutboxEntry status(Release r, String source) {
    return event(STATUS, r, source);
  }

  public static OutboxEntry deleted(Release r, String source) {
    return event(DELETED, r, source);
  }

  private static OutboxEntry event(String type, Release r, String source) {
    return new OutboxEntry(
        "release",
        r.id().toString(),
        Channels.EVENTS,
        false,
        Message.of(type, source, r.id().toString(), r.app(), new JsonObject(Json.writeString(r))));
  }

  public static OutboxEntry lane(String type, Lane lane, String source) {
    return new OutboxEntry(
        "lane",
        lane.name(),
        Channels.EVENTS,
        false,
        Message.of(type, source, lane.name(), lane.name(), new JsonObject(Json.writeString(lane))));
  }

  private static OutboxEntry command(String type, Release r, JsonObject data) {
    return new OutboxEntry(
        "release",
        r.id().toString(),
        Channels.RELEASE_COMMANDS,
        true,
        Message.of(type, GATEWAY, r.id().toString(), r.app(), data));
  }
}
