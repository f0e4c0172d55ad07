package dev.lanes.common.error;

import java.time.Duration;
import java.util.List;

/**
 * We or a dependency failed (5xx). A server error with a {@code retryAfter} is transient: the
 * client may retry after that delay, and it is announced with {@code Retry-After}.
 */
public final class ServerError extends LanesException implements Retryable {

  private final Duration retryAfter;

  public ServerError(ErrorCode code, String detail, Duration retryAfter, Throwable cause) {
    super(code, detail, List.of(), cause);
    if (code.isClientError()) {
      throw new IllegalArgumentException(code + " is not a server error");
    }
    this.retryAfter = retryAfter;
  }

  public static ServerError unavailable(ErrorCode code, String detail, Throwable cause) {
    return new ServerError(code, detail, Duration.ofSeconds(5), cause);
  }

  public static ServerError internal(String detail, Throwable cause) {
    return new ServerError(ErrorCode.INTERNAL_ERROR, detail, null, cause);
  }

  /** The delay after which a retry may succeed, or {@code null} when retrying will not help. */
  public Duration retryAfter() {
    return retryAfter;
  }

  @Override
  public boolean isRetryable() {
    return retryAfter != null;
  }
}
