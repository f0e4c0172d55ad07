package dev.lanes.common.audit;

import io.vertx.core.json.JsonObject;

/**
 * One entry of the audit log as a writer records it; the log adds when.
 *
 * @param resourceId the id of what changed: a name, a build's or release's id, a key's id; {@code
 *     null} when a refused create never made one
 * @param details what changed by name (fields, env keys), never a secret value
 */
public record AuditEntry(
    Actor actor, AuditAction action, String resourceId, Outcome outcome, JsonObject details) {

  /** How the change ended. */
  public enum Outcome {
    /** It was made: written in the change's own transaction. */
    SUCCEEDED,
    /** The API refused it (a 4xx): nothing changed. */
    REFUSED,
    /** The platform failed to answer (a 5xx): it may or may not have been made. */
    FAILED;

    public String value() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public AuditEntry {
    details = details == null ? new JsonObject() : details.copy();
  }

  /** A change made, recorded in its own transaction. */
  public static AuditEntry succeeded(
      Actor actor, AuditAction action, String resourceId, JsonObject details) {
    return new AuditEntry(actor, action, resourceId, Outcome.SUCCEEDED, details);
  }
}
