package dev.lanes.common.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem document ({@code application/problem+json}) as the contract shapes it: the
 * standard members plus the stable {@code code}, the field {@code errors} and the request id.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
    String type,
    String title,
    int status,
    String code,
    String detail,
    String instance,
    String requestId,
    List<FieldError> errors) {

  public static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "https://lanes.dev/problems/";

  public static Problem of(ErrorCode code, String detail, List<FieldError> errors) {
    return new Problem(
        typeOf(code), code.title(), code.status(), code.code(), detail, null, null, errors);
  }

  public static Problem of(LanesException e) {
    return of(e.code(), e.detail(), e.fieldErrors());
  }

  /** The same problem, answering the request at {@code path} with id {@code requestId}. */
  public Problem at(String path, String requestId) {
    return new Problem(type, title, status, code, detail, path, requestId, errors);
  }

  /** The documentation URI of a code: its anchor in {@code docs/errors.md}. */
  public static String typeOf(ErrorCode code) {
    return TYPE_PREFIX + code.code();
  }
}
