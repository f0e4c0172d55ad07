package dev.lanes.sdk;

/**
 * Turns the lines of a {@code text/event-stream} into events, following the WHATWG rules the SDK
 * needs: {@code event}, {@code data} (several lines joined by newlines), {@code id}, comments, and
 * a blank line that dispatches.
 */
final class SseParser {

  /** One dispatched event. */
  record Event(String name, String id, String data) {}

  private String name;
  private String id;
  private StringBuilder data;

  /** Feeds one line (without its line ending); returns an event when the line dispatches one. */
  Event line(String line) {
    if (line.isEmpty()) {
      Event event =
          data == null ? null : new Event(name == null ? "message" : name, id, data.toString());
      name = null;
      data = null;
      return event;
    }
    if (line.charAt(0) == ':') {
      return null;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> name = value;
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value);
        } else {
          data.append('\n').append(value);
        }
      }
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          id = value;
        }
      }
      default -> {
        // retry and unknown fields: nothing for the SDK to do
      }
    }
    return null;
  }
}
