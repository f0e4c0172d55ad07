package dev.lanes.common.error;

import java.time.Duration;
import java.util.List;

/** The request cannot be served as sent (4xx). Logged without a stack trace. */
public final class ClientError extends LanesException {

  private final Duration retryAfter;

  public ClientError(ErrorCode code, String detail) {
    this(code, detail, List.of());
  }

  public ClientError(ErrorCode code, String detail, List<FieldError> fieldErrors) {
    this(code, detail, fieldErrors, null);
  }

  private ClientError(
      ErrorCode code, String detail, List<FieldError> fieldErrors, Duration retryAfter) {
    super(code, detail, fieldErrors, null);
    if (!code.isClientError()) {
      throw new IllegalArgumentException(code + " is not a client error");
    }
    this.retryAfter = retryAfter;
  }

  /** A refusal that ends by itself: the client may try again after {@code retryAfter}. */
  public static ClientError tryAgainAfter(ErrorCode code, String detail, Duration retryAfter) {
    return new ClientError(code, detail, List.of(), retryAfter);
  }

  /** When the client may try again, or {@code null} when the request must change first. */
  public Duration retryAfter() {
    return retryAfter;
  }

  public static ClientError notFound(ErrorCode code, String kind, String name) {
    return new ClientError(code, kind + " '" + name + "' does not exist");
  }

  public static ClientError exists(ErrorCode code, String kind, String name) {
    return new ClientError(code, kind + " '" + name + "' already exists");
  }

  public static ClientError invalid(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid";
    return new ClientError(ErrorCode.VALIDATION_FAILED, detail, errors);
  }
}
