package dev.lanes.common.error;

/**
 * The catalogue of error codes a client can receive. Each code is stable, snake_case, documented in
 * {@code docs/errors.md}, and maps to one HTTP status and a default title.
 */
public enum ErrorCode {
  // Request shape
  MALFORMED_JSON(400, "Malformed JSON"),
  MALFORMED_REQUEST(400, "Malformed request"),
  GIT_REPO_NOT_ALLOWED(400, "Git repository not allowed"),
  VALIDATION_FAILED(400, "Invalid request"),
  NAME_TOO_LONG(400, "Name too long"),
  UNAUTHENTICATED(401, "Unauthenticated"),
  FORBIDDEN(403, "Forbidden"),
  ROUTE_NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "Not acceptable"),
  PAYLOAD_TOO_LARGE(413, "Payload too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
  TOO_MANY_ATTEMPTS(429, "Too many attempts"),
  URI_TOO_LONG(414, "URI too long"),
  HEADERS_TOO_LARGE(431, "Request headers too large"),

  // Resources
  IMAGE_REPO_NOT_FOUND(404, "Image repo not found"),
  APP_NOT_FOUND(404, "App not found"),
  LANE_NOT_FOUND(404, "Lane not found"),
  BUILD_NOT_FOUND(404, "Build not found"),
  RELEASE_NOT_FOUND(404, "Release not found"),
  REVISION_NOT_FOUND(404, "Revision not found"),
  TAG_NOT_FOUND(404, "Tag not found"),
  API_KEY_NOT_FOUND(404, "API key not found"),
  SERVICE_NOT_FOUND(404, "Service not found"),
  IMAGE_REPO_EXISTS(409, "Image repo exists"),
  APP_EXISTS(409, "App exists"),
  LANE_EXISTS(409, "Lane exists"),
  API_KEY_EXISTS(409, "API key exists"),
  LAST_ADMIN_KEY(409, "Last admin key"),
  IMAGE_REPO_IN_USE(409, "Image repo in use"),
  DUPLICATE_REQUEST(409, "Request already carried out"),
  APP_HAS_RELEASES(409, "App has releases"),
  APP_HAS_NO_IMAGE_REPO(409, "App has no image repo"),
  LANE_PROTECTED(409, "Lane protected"),
  LANE_DELETING(409, "Lane is being deleted"),
  RELEASE_DELETING(409, "Release is being deleted"),
  BUILD_NOT_SUCCEEDED(409, "Build not succeeded"),
  BUILD_FINISHED(409, "Build already finished"),
  NAME_CONFLICT(409, "Name conflict"),
  CONCURRENT_MODIFICATION(409, "Concurrent modification"),

  // Server side
  INTERNAL_ERROR(500, "Internal error"),
  DATABASE_UNAVAILABLE(503, "Database unavailable"),
  KUBERNETES_UNAVAILABLE(503, "Kubernetes API unavailable"),
  SERVICE_UNAVAILABLE(503, "Service unavailable"),
  REGISTRY_NOT_READY(503, "Registry not ready");

  private final int status;
  private final String title;

  ErrorCode(int status, String title) {
    this.status = status;
    this.title = title;
  }

  /** The stable snake_case code clients match on, e.g. {@code app_not_found}. */
  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public boolean isClientError() {
    return status < 500;
  }
}
