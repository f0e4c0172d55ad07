package dev.lanes.gateway.events;

import io.vertx.core.json.JsonObject;

/**
 * One event of {@code /api/v1/events}: its place in the published order, its CloudEvents type, and
 * the structured CloudEvent itself.
 */
public record PlatformEvent(long seq, String type, JsonObject cloudEvent) {

  public JsonObject data() {
    JsonObject data = cloudEvent.getJsonObject("data");
    return data == null ? new JsonObject() : data;
  }
}
