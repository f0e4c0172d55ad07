package dev.lanes.common.error;

import java.util.List;

/**
 * A failure with a stable {@link ErrorCode} and a message that is safe to show to the caller. Split
 * into {@link ClientError} (the request was wrong) and {@link ServerError} (we or a dependency
 * failed).
 */
public abstract sealed class LanesException extends RuntimeException
    permits ClientError, ServerError {

  private final ErrorCode code;
  private final List<FieldError> fieldErrors;

  protected LanesException(
      ErrorCode code, String detail, List<FieldError> fieldErrors, Throwable cause) {
    super(detail, cause, false, cause != null);
    this.code = code;
    this.fieldErrors = List.copyOf(fieldErrors);
  }

  public ErrorCode code() {
    return code;
  }

  /** The caller-safe explanation of this occurrence, e.g. {@code app 'web' does not exist}. */
  public String detail() {
    return getMessage();
  }

  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }
}
