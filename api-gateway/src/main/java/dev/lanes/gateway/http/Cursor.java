package dev.lanes.gateway.http;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The opaque {@code next_cursor} of a list: the last name of the previous page, encoded so clients
 * do not build cursors themselves.
 */
public final class Cursor {

  private static final String VERSION = "n1:";

  private Cursor() {}

  public static String encode(String lastName) {
    return lastName == null
        ? null
        : Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString((VERSION + lastName).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @return the last name of the previous page, or {@code ""} without a cursor
   * @throws ClientError {@code validation_failed} for a cursor this API did not make
   */
  public static String decode(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return "";
    }
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(VERSION) && text.length() > VERSION.length()) {
        return text.substring(VERSION.length());
      }
    } catch (IllegalArgumentException e) {
      // falls through to the client error
    }
    throw new ClientError(
        ErrorCode.VALIDATION_FAILED,
        "cursor: not a next_cursor from this API",
        List.of(new FieldError("cursor", "must be a next_cursor from a previous page")));
  }
}
