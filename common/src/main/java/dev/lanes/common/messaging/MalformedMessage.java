package dev.lanes.common.messaging;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * A message whose {@code data} no handler can use: a field missing or of the wrong form. Permanent
 * ({@link Failures}): the message is dead-lettered at once, never retried.
 */
public final class MalformedMessage extends RuntimeException {

  private final String field;

  public MalformedMessage(String field, String problem) {
    super("data." + field + ": " + problem, null, false, false);
    this.field = field;
  }

  /** The field of {@code data} that is wrong, e.g. {@code build_id}. */
  public String field() {
    return field;
  }

  /**
   * The UUID in {@code data.<field>} of {@code message}.
   *
   * @throws MalformedMessage when it is missing or not a UUID
   */
  public static UUID uuid(Message message, String field) {
    return uuid(data(message), field);
  }

  /**
   * The UUID in {@code object.<field>}, e.g. of a request's body.
   *
   * @throws MalformedMessage when it is missing or not a UUID
   */
  public static UUID uuid(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null) {
      throw new MalformedMessage(field, "missing");
    }
    if (!(value instanceof String text)) {
      throw new MalformedMessage(field, "expected a UUID string, got " + value);
    }
    try {
      UUID id = UUID.fromString(text);
      if (!id.toString().equalsIgnoreCase(text)) {
        throw new IllegalArgumentException(text);
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw new MalformedMessage(field, "not a UUID: '" + text + "'");
    }
  }

  /**
   * The string in {@code object.<field>}, e.g. of a request's body.
   *
   * @throws MalformedMessage when it is missing or not a string
   */
  public static String text(JsonObject object, String field) {
    Object value = object.getValue(field);
    if (value == null) {
      throw new MalformedMessage(field, "missing");
    }
    if (!(value instanceof String text)) {
      throw new MalformedMessage(field, "expected a string, got " + value);
    }
    return text;
  }

  /**
   * The integer in {@code data.<field>} of {@code message}.
   *
   * @throws MalformedMessage when it is missing or not an integer
   */
  public static int integer(Message message, String field) {
    Object value = data(message).getValue(field);
    if (value == null) {
      throw new MalformedMessage(field, "missing");
    }
    if (!(value instanceof Integer) && !(value instanceof Long)) {
      throw new MalformedMessage(field, "expected an integer, got " + value);
    }
    return ((Number) value).intValue();
  }

  private static JsonObject data(Message message) {
    if (message.data() == null) {
      throw new MalformedMessage("", "the message has no data");
    }
    return message.data();
  }
}
