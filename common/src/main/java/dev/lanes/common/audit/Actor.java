package dev.lanes.common.audit;

import io.vertx.core.json.JsonObject;

/**
 * Who asked for a change: the API key (its id and name), the address the request came from and the
 * request's id. It travels with every request the gateway makes of a service, so the audit entry
 * the service writes in its own transaction names who asked.
 *
 * @param keyId the API key's id; {@code null} for the platform itself
 * @param keyName the key's name, or what of the platform acted (e.g. {@code system:lane-expiry})
 * @param source the client's address as the gateway saw it; {@code null} for the platform itself
 * @param requestId the {@code X-Request-Id} of the request; {@code null} for the platform itself
 * @param changeId the id the gateway gave this change request, unique: the service that makes the
 *     change records it once however often the request reaches it; {@code null} for the platform
 */
public record Actor(
    String keyId, String keyName, String source, String requestId, String changeId) {

  public Actor {
    if (keyName == null || keyName.isBlank()) {
      throw new IllegalArgumentException("an actor has a name");
    }
  }

  /** The platform itself acting, e.g. a lane whose time ran out. */
  public static Actor system(String what) {
    return new Actor(null, "system:" + what, null, null, null);
  }

  /**
   * Who a request names, as {@link #toJson()} wrote it. A request without one (from a gateway older
   * than the audit log, during an upgrade) is recorded as asked by {@code unknown}, not refused.
   */
  public static Actor from(JsonObject json) {
    if (json == null
        || json.getString("key_name") == null
        || json.getString("key_name").isBlank()) {
      return new Actor(null, "unknown", null, null, null);
    }
    return new Actor(
        json.getString("key_id"),
        json.getString("key_name"),
        json.getString("source"),
        json.getString("request_id"),
        json.getString("change_id"));
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("key_id", keyId)
        .put("key_name", keyName)
        .put("source", source)
        .put("request_id", requestId)
        .put("change_id", changeId);
  }
}
