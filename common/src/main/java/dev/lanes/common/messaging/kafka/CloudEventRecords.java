package dev.lanes.common.messaging.kafka;

import dev.lanes.common.messaging.Message;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Messages as Kafka records, per the CloudEvents Kafka protocol binding: the value is the
 * structured-mode JSON event ({@code content-type: application/cloudevents+json}), the key is the
 * partition key. The main attributes are repeated as binary-mode {@code ce_} headers, so that a
 * consumer can route or filter without parsing the value; a CloudEvents SDK reads the value, as the
 * content type tells it to.
 */
final class CloudEventRecords {

  static final String CONTENT_TYPE = "content-type";
  static final String STRUCTURED_JSON = "application/cloudevents+json";

  private CloudEventRecords() {}

  static ProducerRecord<String, byte[]> toRecord(String topic, Message message) {
    Headers headers = new RecordHeaders();
    add(headers, "ce_specversion", Message.SPEC_VERSION);
    add(headers, "ce_id", message.id());
    add(headers, "ce_source", message.source());
    add(headers, "ce_type", message.type());
    add(headers, "ce_time", message.time().toString());
    if (message.subject() != null) {
      add(headers, "ce_subject", message.subject());
    }
    add(headers, CONTENT_TYPE, STRUCTURED_JSON);
    byte[] value = message.toCloudEvent().toBuffer().getBytes();
    return new ProducerRecord<>(topic, null, message.partitionKey(), value, headers);
  }

  /**
   * Reads the structured-mode event of a record's value.
   *
   * @throws IllegalArgumentException when the value is not a CloudEvents 1.0 JSON event
   */
  static Message fromRecord(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      throw new IllegalArgumentException("the record has no value");
    }
    JsonObject json;
    try {
      json = new JsonObject(Buffer.buffer(record.value()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("the value is not a JSON object", e);
    }
    return Message.fromCloudEvent(json);
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
