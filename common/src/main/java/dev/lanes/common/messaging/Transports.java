package dev.lanes.common.messaging;

import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import dev.lanes.common.messaging.kafka.KafkaMessaging;
import dev.lanes.common.messaging.kafka.KafkaOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/** Builds the {@link Messaging} the configuration names; the only place that knows transports. */
public final class Transports {

  private Transports() {}

  /**
   * The event bus of {@code vertx} for {@link MessagingConfig.Transport#LOCAL}; for {@link
   * MessagingConfig.Transport#KAFKA} a {@link KafkaMessaging} whose topics exist.
   *
   * @param clientId names this process to the brokers, e.g. {@code build-service}
   * @param commandTimeout how long a send waits: for a consumer's answer on the event bus, for the
   *     brokers' acknowledgement on Kafka
   * @return fails when Kafka cannot be reached or the topics cannot be created
   */
  public static Future<Messaging> create(
      Vertx vertx, MessagingConfig config, String clientId, Duration commandTimeout) {
    return create(vertx, config, clientId, commandTimeout, DeadLetters.LOG_ONLY);
  }

  /**
   * As {@link #create(Vertx, MessagingConfig, String, Duration)}, recording the messages its
   * consumers give up into {@code deadLetters} (and on Kafka the topic {@link
   * Channels#DEAD_LETTERS} as well).
   */
  public static Future<Messaging> create(
      Vertx vertx,
      MessagingConfig config,
      String clientId,
      Duration commandTimeout,
      DeadLetters deadLetters) {
    return switch (config.transport()) {
      case LOCAL ->
          Future.succeededFuture(
              new EventBusMessaging(
                  vertx,
                  commandTimeout,
                  RetryPolicy.DEFAULT.withLimit(config.retryLimit()),
                  deadLetters));
      case KAFKA ->
          KafkaMessaging.start(
                  vertx, KafkaOptions.of(config, clientId, commandTimeout), deadLetters)
              .<Messaging>map(m -> m);
    };
  }
}
