package dev.lanes.common.messaging;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A message a consumer gave up: its handler failed permanently, or transiently on every attempt the
 * {@link RetryPolicy} allows, or it was not a message at all. It is recorded by {@link DeadLetters}
 * and the transport moves on to the next message.
 *
 * @param consumer the consumer group ({@code build-service}), or {@code subscriber} for an event
 *     subscription
 * @param channel the channel it came on, without the topic prefix
 * @param messageId the CloudEvent's id; {@code null} when the record was not a CloudEvent
 * @param messageType the CloudEvent's type, or {@code null}
 * @param key the partition key (the app's name), or {@code null}
 * @param record the original as it arrived: {@code topic}, {@code partition} and {@code offset}
 *     (Kafka), {@code key}, {@code headers} and {@code value} (text) or {@code value_base64}
 * @param errorClass the class of the last failure, e.g. {@code
 *     dev.lanes.common.messaging.MalformedMessage}
 * @param error its message
 * @param attempts how often the handler was given it (0 when it never was: not a CloudEvent)
 */
public record DeadLetter(
    String consumer,
    String channel,
    String messageId,
    String messageType,
    String key,
    JsonObject record,
    String errorClass,
    String error,
    int attempts,
    Instant failedAt) {

  /** The consumer name of event subscriptions. */
  public static final String SUBSCRIBER = "subscriber";

  /** A dead letter of {@code cause}, now. */
  public static DeadLetter of(
      String consumer,
      String channel,
      Message message,
      String key,
      JsonObject record,
      Throwable cause,
      int attempts) {
    return new DeadLetter(
        consumer,
        channel,
        message == null ? null : message.id(),
        message == null ? null : message.type(),
        key,
        record,
        cause.getClass().getName(),
        String.valueOf(cause.getMessage()),
        attempts,
        Instant.now());
  }

  /** Puts {@code value} into {@code record} as {@code value} when it is UTF-8 text, else base64. */
  public static JsonObject withValue(JsonObject record, byte[] value) {
    if (value == null) {
      return record.putNull("value");
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(value))
              .toString();
      return record.put("value", text);
    } catch (CharacterCodingException e) {
      return record.put("value_base64", Base64.getEncoder().encodeToString(value));
    }
  }

  /** As the dead-letter topic and the admin route show it. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("consumer", consumer)
        .put("channel", channel)
        .put("message_id", messageId)
        .put("message_type", messageType)
        .put("key", key)
        .put("record", record)
        .put("error", new JsonObject().put("class", errorClass).put("message", error))
        .put("attempts", attempts)
        .put("failed_at", failedAt.toString());
  }
}
