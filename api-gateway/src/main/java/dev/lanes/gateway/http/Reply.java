package dev.lanes.gateway.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A successful answer: a status and the {@code data} of the contract's envelope. {@code nextAfter},
 * the last name of a list cut by {@code ?limit=}, becomes its {@code next_cursor}.
 */
public record Reply(int status, Object data, String nextAfter, Map<String, String> headers) {

  /** The JSON envelope: {@code {"data": ..., "next_cursor": ...}}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Envelope(Object data, String nextCursor) {}

  public static Reply ok(Object data) {
    return new Reply(200, data, null, Map.of());
  }

  public static Reply created(Object data, String location) {
    return new Reply(201, data, null, Map.of("Location", location));
  }

  public static Reply accepted(Object data) {
    return new Reply(202, data, null, Map.of());
  }

  public static Reply noContent() {
    return new Reply(204, null, null, Map.of());
  }

  public static Reply page(Object items, String nextAfter) {
    return new Reply(200, items, nextAfter, Map.of());
  }
}
