package dev.lanes.common.messaging.kafka;

import dev.lanes.common.messaging.DeadLetter;
import dev.lanes.common.messaging.DeadLetters;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.MessageHandler;
import dev.lanes.common.messaging.RetryPolicy;
import dev.lanes.common.messaging.Subscription;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the records of one topic to a {@link MessageHandler}: per partition in offset order and one
 * at a time, partitions independently of each other. A message that failed transiently is handed
 * over again after a backoff, and nothing after it on its partition is handled before it succeeds
 * or is given up. A permanent failure, a transient one on the {@link RetryPolicy}'s last attempt,
 * and a record that is not a CloudEvent are given up: recorded as a {@link DeadLetter}, then
 * committed like a handled record.
 *
 * <p>As a member of a consumer group it commits a partition's offset after each handled record,
 * never past it (at least once). When a partition is revoked, the records of it still waiting are
 * dropped and the one being handled commits nothing: the partition's next owner starts at the last
 * committed offset, so at most the message being handled is delivered twice.
 *
 * <p>Kafka is polled on the consumer's own thread; everything else, the handler included, runs on
 * the Vert.x context that created the receiver, so this class needs no locks.
 */
final class KafkaReceiver implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaReceiver.class);

  /** A partition stops fetching when this many of its records wait to be handled. */
  static final int MAX_WAITING = 100;

  private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  private static final long POLL_FAILURE_DELAY_MS = 1_000;
  private static final long METADATA_RETRY_MS = 100;

  private final Context context;
  private final KafkaReadStream<String, byte[]> stream;
  private final String topic;
  private final String groupId;
  private final MessageHandler handler;
  private final RetryPolicy retry;
  private final String channel;
  private final String consumer;
  private final DeadLetters deadLetters;
  private final Map<TopicPartition, Lane> lanes = new HashMap<>();
  private final Promise<Void> firstAssignment = Promise.promise();
  private boolean stopped;
  private Future<Void> closed;

  /**
   * @param groupId the consumer group whose offsets this receiver commits, or {@code null} for a
   *     receiver of assigned partitions that commits nothing
   */
  private KafkaReceiver(
      KafkaReadStream<String, byte[]> stream,
      String topic,
      String groupId,
      MessageHandler handler,
      KafkaOptions options,
      Sink sink) {
    this.context = Vertx.currentContext();
    this.stream = stream;
    this.topic = topic;
    this.groupId = groupId;
    this.handler = handler;
    this.retry = options.retry();
    this.channel = sink.channel();
    this.consumer = sink.consumer();
    this.deadLetters = sink.deadLetters();
  }

  /**
   * Where the messages this receiver gives up go.
   *
   * @param channel the channel read, without the topic prefix
   * @param consumer the group's name without the prefix, or {@link DeadLetter#SUBSCRIBER}
   */
  record Sink(String channel, String consumer, DeadLetters deadLetters) {}

  /**
   * Joins consumer group {@code groupId} on {@code topic}; succeeds once the group gave this member
   * its first partitions (possibly none, when the group has more members than partitions). Call it
   * on the context that is to run the handler, with a stream created on that context.
   */
  static Future<KafkaReceiver> member(
      KafkaReadStream<String, byte[]> stream,
      String topic,
      String groupId,
      MessageHandler handler,
      KafkaOptions options,
      Sink sink) {
    KafkaReceiver receiver = new KafkaReceiver(stream, topic, groupId, handler, options, sink);
    stream.partitionsAssignedHandler(receiver::assigned);
    stream.partitionsRevokedHandler(receiver::revoked);
    return stream
        .subscribe(Set.of(topic))
        .onSuccess(v -> receiver.poll())
        .compose(
            v ->
                receiver
                    .firstAssignment
                    .future()
                    .timeout(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .map(receiver)
        .recover(e -> receiver.cancel().transform(v -> Future.failedFuture(e)));
  }

  /**
   * Reads every partition of {@code topic} from its current end, outside any consumer group:
   * succeeds once the positions are fixed, so every record produced after that is delivered.
   */
  static Future<KafkaReceiver> fromEnd(
      KafkaReadStream<String, byte[]> stream,
      String topic,
      MessageHandler handler,
      KafkaOptions options,
      Sink sink) {
    KafkaReceiver receiver = new KafkaReceiver(stream, topic, null, handler, options, sink);
    long deadline = System.nanoTime() + options.startTimeout().toNanos();
    return receiver
        .partitions(deadline)
        .compose(partitions -> stream.assign(partitions).map(partitions))
        .compose(stream::endOffsets)
        .compose(receiver::seekAll)
        .onSuccess(v -> receiver.poll())
        .map(receiver)
        .recover(e -> receiver.cancel().transform(v -> Future.failedFuture(e)));
  }

  /**
   * Stops handing messages over and leaves the group. A message being handled commits nothing, so
   * the group delivers it again to another member.
   */
  @Override
  public Future<Void> cancel() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> close().onComplete(done));
    return done.future();
  }

  private Future<Void> close() {
    if (closed == null) {
      stopped = true;
      closed = stream.close();
    }
    return closed;
  }

  /** The topic's partitions; metadata of a topic created a moment ago may take a moment. */
  private Future<Set<TopicPartition>> partitions(long deadline) {
    return stream
        .partitionsFor(topic)
        .compose(
            infos -> {
              if (infos != null && !infos.isEmpty()) {
                return Future.succeededFuture(toPartitions(infos));
              }
              if (System.nanoTime() > deadline) {
                return Future.failedFuture(
                    new IllegalStateException("topic " + topic + " has no partitions"));
              }
              return context
                  .owner()
                  .timer(METADATA_RETRY_MS, TimeUnit.MILLISECONDS)
                  .compose(v -> partitions(deadline));
            });
  }

  private static Set<TopicPartition> toPartitions(List<PartitionInfo> infos) {
    return infos.stream()
        .map(i -> new TopicPartition(i.topic(), i.partition()))
        .collect(Collectors.toSet());
  }

  private Future<Void> seekAll(Map<TopicPartition, Long> ends) {
    List<Future<Void>> seeks =
        ends.entrySet().stream().map(e -> stream.seek(e.getKey(), e.getValue())).toList();
    return Future.all(seeks).mapEmpty();
  }

  private void poll() {
    if (stopped) {
      return;
    }
    stream.poll(POLL_TIMEOUT).onComplete(this::polled);
  }

  private void polled(AsyncResult<ConsumerRecords<String, byte[]>> result) {
    if (stopped) {
      return;
    }
    if (result.failed()) {
      LOG.warn("polling {} failed, again in {} ms", topic, POLL_FAILURE_DELAY_MS, result.cause());
      context.owner().setTimer(POLL_FAILURE_DELAY_MS, t -> poll());
      return;
    }
    ConsumerRecords<String, byte[]> records = result.result();
    for (TopicPartition partition : records.partitions()) {
      lanes.computeIfAbsent(partition, Lane::new).add(records.records(partition));
    }
    poll();
  }

  private void assigned(Set<TopicPartition> partitions) {
    LOG.info("group {} gave this member partitions {}", groupId, partitions);
    firstAssignment.tryComplete();
  }

  private void revoked(Set<TopicPartition> partitions) {
    LOG.info("group {} took partitions {} from this member", groupId, partitions);
    for (TopicPartition partition : partitions) {
      Lane lane = lanes.get(partition);
      if (lane != null) {
        lane.revoke();
      }
    }
  }

  /** A record as a dead letter shows it: where it was, its key, headers and value. */
  private static JsonObject original(ConsumerRecord<String, byte[]> record) {
    JsonObject headers = new JsonObject();
    for (Header header : record.headers()) {
      headers.put(
          header.key(),
          header.value() == null
              ? null
              : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8));
    }
    JsonObject json =
        new JsonObject()
            .put("topic", record.topic())
            .put("partition", record.partition())
            .put("offset", record.offset())
            .put("key", record.key())
            .put("headers", headers);
    return DeadLetter.withValue(json, record.value());
  }

  /** One record on its way through the handler, perhaps for the nth time. */
  private static final class Delivery {
    final ConsumerRecord<String, byte[]> record;
    final int generation;
    Message message;
    int attempts;

    Delivery(ConsumerRecord<String, byte[]> record, int generation) {
      this.record = record;
      this.generation = generation;
    }
  }

  /** The records of one partition waiting for the handler, and the one it is handling. */
  private final class Lane {
    private final TopicPartition partition;
    private final ArrayDeque<ConsumerRecord<String, byte[]>> waiting = new ArrayDeque<>();

    /** Counts revocations: a delivery of an earlier generation may not commit or go on. */
    private int generation;

    private boolean busy;
    private boolean paused;

    Lane(TopicPartition partition) {
      this.partition = partition;
    }

    void add(List<ConsumerRecord<String, byte[]>> records) {
      waiting.addAll(records);
      if (!paused && waiting.size() >= MAX_WAITING) {
        paused = true;
        stream.pause(Set.of(partition));
      }
      next();
    }

    void revoke() {
      generation++;
      waiting.clear();
      // a partition assigned again starts unpaused, at the group's committed offset
      paused = false;
    }

    private void next() {
      if (paused && waiting.size() <= MAX_WAITING / 2 && !stopped) {
        paused = false;
        stream.resume(Set.of(partition));
      }
      if (busy || stopped || waiting.isEmpty()) {
        return;
      }
      busy = true;
      Delivery delivery = new Delivery(waiting.peek(), generation);
      try {
        delivery.message = CloudEventRecords.fromRecord(delivery.record);
      } catch (IllegalArgumentException e) {
        LOG.warn(
            "giving up record {}-{}@{}: not a CloudEvents 1.0 JSON event ({})",
            topic,
            partition.partition(),
            delivery.record.offset(),
            e.getMessage());
        giveUp(delivery, e, 1);
        return;
      }
      attempt(delivery);
    }

    private void attempt(Delivery delivery) {
      delivery.attempts++;
      MessageHandler.invoke(handler, delivery.message)
          .onComplete(result -> context.runOnContext(v -> attempted(delivery, result)));
    }

    private void attempted(Delivery delivery, AsyncResult<Void> result) {
      if (delivery.generation != generation || stopped) {
        // revoked meanwhile: the partition's next owner delivers it again
        busy = false;
        next();
      } else if (result.succeeded()) {
        handled();
      } else if (retry.retryAfter(result.cause(), delivery.attempts) == null) {
        LOG.warn(
            "giving up {} {} from {}-{}@{} after {} attempt(s): {}",
            delivery.message.type(),
            delivery.message.id(),
            topic,
            partition.partition(),
            delivery.record.offset(),
            delivery.attempts,
            String.valueOf(result.cause()));
        giveUp(delivery, result.cause(), 1);
      } else {
        long delay = retry.retryAfter(result.cause(), delivery.attempts).toMillis();
        LOG.warn(
            "handling {} {} from {}-{}@{} failed (attempt {}), again in {} ms: {}",
            delivery.message.type(),
            delivery.message.id(),
            topic,
            partition.partition(),
            delivery.record.offset(),
            delivery.attempts,
            delay,
            String.valueOf(result.cause()));
        context.owner().setTimer(delay, t -> retry(delivery));
      }
    }

    private void retry(Delivery delivery) {
      if (delivery.generation != generation || stopped) {
        busy = false;
        next();
      } else {
        attempt(delivery);
      }
    }

    /**
     * Records {@code delivery} as a dead letter, then moves on as after a handled record; a
     * recording that fails is tried again after a backoff (the record is not committed before it is
     * recorded).
     */
    private void giveUp(Delivery delivery, Throwable cause, int tries) {
      DeadLetter letter =
          DeadLetter.of(
              consumer,
              channel,
              delivery.message,
              delivery.record.key(),
              original(delivery.record),
              cause,
              delivery.attempts);
      deadLetters
          .record(letter)
          .onComplete(
              recorded ->
                  context.runOnContext(
                      v -> {
                        if (delivery.generation != generation || stopped) {
                          busy = false;
                          next();
                        } else if (recorded.succeeded()) {
                          handled();
                        } else {
                          long delay = retry.after(tries).toMillis();
                          LOG.warn(
                              "recording the dead letter of {}-{}@{} failed, again in {} ms: {}",
                              topic,
                              partition.partition(),
                              delivery.record.offset(),
                              delay,
                              recorded.cause().toString());
                          context.owner().setTimer(delay, t -> giveUp(delivery, cause, tries + 1));
                        }
                      }));
    }

    private void handled() {
      ConsumerRecord<String, byte[]> record = waiting.poll();
      busy = false;
      if (groupId != null && record != null) {
        commit(record.offset() + 1);
      }
      next();
    }

    private void commit(long nextOffset) {
      stream
          .commit(Map.of(partition, new OffsetAndMetadata(nextOffset)))
          .onFailure(
              e ->
                  LOG.info(
                      "group {} could not commit {}-{} at {}; it is delivered again: {}",
                      groupId,
                      topic,
                      partition.partition(),
                      nextOffset,
                      e.toString()));
    }
  }
}
