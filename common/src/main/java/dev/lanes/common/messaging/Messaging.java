package dev.lanes.common.messaging;

import io.vertx.core.Future;

/**
 * How the services talk: commands go to exactly one consumer of a group, events go to every
 * subscriber. Implemented on the Vert.x event bus (one JVM) and on Kafka (separate processes);
 * services depend only on this interface.
 *
 * <p>Delivery is at least once on every transport, so handlers must be idempotent.
 */
public interface Messaging {

  /**
   * Sends a command on {@code channel}. The future succeeds once the transport has accepted it: a
   * consumer has handled it (event bus) or the broker has stored it (Kafka). It fails when nobody
   * could take it; the outbox relay then retries.
   */
  Future<Void> send(String channel, Message command);

  /** Publishes an event on {@code channel} to every subscriber. */
  Future<Void> publish(String channel, Message event);

  /** Consumes the commands of {@code channel} as one member of consumer group {@code group}. */
  Future<Subscription> consume(String channel, String group, MessageHandler handler);

  /** Receives every event published on {@code channel} from now on. */
  Future<Subscription> subscribe(String channel, MessageHandler handler);

  Future<Void> close();
}
