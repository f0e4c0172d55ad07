package dev.lanes.common.audit;

/** Every change the audit log records: a resource kind and what was done to it. */
public enum AuditAction {
  IMAGE_REPO_CREATE("image_repo", "create"),
  IMAGE_REPO_UPDATE("image_repo", "update"),
  IMAGE_REPO_DELETE("image_repo", "delete"),
  APP_CREATE("app", "create"),
  APP_UPDATE("app", "update"),
  APP_DELETE("app", "delete"),
  LANE_CREATE("lane", "create"),
  LANE_DELETE("lane", "delete"),
  /** The platform deleting a lane whose {@code ttl_seconds} ran out. */
  LANE_EXPIRE("lane", "expire"),
  BUILD_CREATE("build", "create"),
  BUILD_CANCEL("build", "cancel"),
  /** {@code POST /releases}: a new release, or a new revision of the one in that lane. */
  RELEASE_DEPLOY("release", "deploy"),
  RELEASE_UPDATE("release", "update"),
  RELEASE_ROLLBACK("release", "rollback"),
  RELEASE_DELETE("release", "delete"),
  API_KEY_CREATE("api_key", "create"),
  API_KEY_REVOKE("api_key", "revoke");

  private final String resource;
  private final String verb;

  AuditAction(String resource, String verb) {
    this.resource = resource;
    this.verb = verb;
  }

  /** The kind of resource, as {@code GET /audit?resource=} names it: {@code app}. */
  public String resource() {
    return resource;
  }

  /** What the log says was done: {@code app.update}. */
  public String value() {
    return resource + "." + verb;
  }
}
