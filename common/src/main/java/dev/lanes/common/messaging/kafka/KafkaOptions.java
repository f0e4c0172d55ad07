package dev.lanes.common.messaging.kafka;

import dev.lanes.common.messaging.MessagingConfig;
import dev.lanes.common.messaging.RetryPolicy;
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
 * @param retry how long a consumer waits before it hands a message that failed transiently to its
 *     handler again, and after how many attempts it gives the message up as a dead letter
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
    RetryPolicy retry,
    Duration startTimeout) {

  public static KafkaOptions of(MessagingConfig config, String clientId, Duration sendTimeout) {
    return new KafkaOptions(
        config.bootstrapServers(),
        config.topicPrefix(),
        config.partitions(),
        config.replicationFactor(),
        clientId,
        sendTimeout,
        RetryPolicy.DEFAULT.withLimit(config.retryLimit()),
        Duration.ofSeconds(30));
  }

  public KafkaOptions withRetry(RetryPolicy backoff) {
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
