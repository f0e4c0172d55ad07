package dev.lanes.common.messaging;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A command or an event, shaped as a CloudEvents 1.0 event so that outside subscribers can read it
 * with any CloudEvents SDK.
 *
 * @param id unique per message; consumers use it to ignore redeliveries
 * @param type e.g. {@code dev.lanes.build.status} or {@code dev.lanes.build.start}
 * @param source the producer, e.g. {@code /lanes/api-gateway}
 * @param subject the aggregate it concerns, e.g. the build id
 * @param partitionKey keeps one app's messages in order (CloudEvents {@code partitionkey})
 */
public record Message(
    String id,
    String type,
    String source,
    String subject,
    String partitionKey,
    Instant time,
    JsonObject data) {

  public static final String SPEC_VERSION = "1.0";

  public Message {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(time, "time");
    data = data == null ? new JsonObject() : data;
  }

  public static Message of(
      String type, String source, String subject, String partitionKey, JsonObject data) {
    return new Message(
        UUID.randomUUID().toString(), type, source, subject, partitionKey, Instant.now(), data);
  }

  /** The structured-mode CloudEvents JSON of this message. */
  public JsonObject toCloudEvent() {
    JsonObject json =
        new JsonObject()
            .put("specversion", SPEC_VERSION)
            .put("id", id)
            .put("source", source)
            .put("type", type)
            .put("time", time.toString())
            .put("datacontenttype", "application/json");
    if (subject != null) {
      json.put("subject", subject);
    }
    if (partitionKey != null) {
      json.put("partitionkey", partitionKey);
    }
    return json.put("data", data);
  }

  /**
   * Reads a structured-mode CloudEvents JSON object.
   *
   * @throws IllegalArgumentException when a required attribute is missing or malformed
   */
  public static Message fromCloudEvent(JsonObject json) {
    try {
      if (!SPEC_VERSION.equals(json.getString("specversion"))) {
        throw new IllegalArgumentException("specversion must be 1.0");
      }
      return new Message(
          json.getString("id"),
          json.getString("type"),
          json.getString("source"),
          json.getString("subject"),
          json.getString("partitionkey"),
          Instant.parse(json.getString("time")),
          json.getJsonObject("data"));
    } catch (NullPointerException | ClassCastException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("not a CloudEvents 1.0 message: " + e.getMessage(), e);
    }
  }
}
