package dev.lanes.common.messaging.kafka;

import dev.lanes.common.messaging.MessagingConfig;
import java.time.Duration;

/**
 * How {@link KafkaMessaging} reaches Kafka and paces itself.
 *
 * @param bootstrapServers {@code host:port[,host:port]}
 * @param topicPrefix put before every topic and consumer group name
 * @param partitions partitions of the topics created on start
 * @param replicationFactor replicas of those partitions
 * @param clientId names this process in the brokers' logs and metrics, e.g. {@code build-service}
 * @param sendTimeout how long {@code send} and {@code publish} wait for the brokers'
 *     acknowledgement before they fail (the outbox relay then retries)
 * @param retry how long a consumer waits before it hands a failed message to its handler again
 * @param startTimeout how long {@code start} and {@code consume} wait for the brokers: topics
 *     created, partitions assigned
 */
public record KafkaOptions(
    String bootstrapServers,
    String topicPrefix,
    int partitions,
    short replicationFactor,
    String clientId,
    Duration sendTimeout,
    Backoff retry,
    Duration startTimeout) {

  /** Exponential backoff: {@code initial}, doubled after each failure, at most {@code max}. */
  public record Backoff(Duration initial, Duration max) {

    public static final Backoff DEFAULT =
        new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30));

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failures (1 or more). */
    public Duration after(int attempt) {
      int doublings = Math.min(Math.max(attempt - 1, 0), 30);
      Duration delay = initial.multipliedBy(1L << doublings);
      return delay.compareTo(max) > 0 ? max : delay;
    }
  }

  public static KafkaOptions of(MessagingConfig config, String clientId, Duration sendTimeout) {
    return new KafkaOptions(
        config.bootstrapServers(),
        config.topicPrefix(),
        config.partitions(),
        config.replicationFactor(),
        clientId,
        sendTimeout,
        Backoff.DEFAULT,
        Duration.ofSeconds(30));
  }

  public KafkaOptions withRetry(Backoff backoff) {
    return new KafkaOptions(
        bootstrapServers,
        topicPrefix,
        partitions,
        replicationFactor,
        clientId,
        sendTimeout,
        backoff,
        startTimeout);
  }

  /** The topic of a channel. */
  public String topic(String channel) {
    return topicPrefix + channel;
  }

  /** The consumer group of a service's group name. */
  public String groupId(String group) {
    return topicPrefix + group;
  }
}
