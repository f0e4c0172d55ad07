package dev.lanes.common.messaging;

import io.vertx.core.Future;

/**
 * Handles one message. The returned future completes when the message is fully handled; a failed
 * future asks the transport to deliver the message again later. Handlers must be idempotent: every
 * transport delivers at least once.
 */
@FunctionalInterface
public interface MessageHandler {
  Future<Void> handle(Message message);

  /**
   * Runs {@code handler} as the transports do: an exception it throws, or a missing future, is a
   * failed handling (the message comes again), never an exception in the transport.
   */
  static Future<Void> invoke(MessageHandler handler, Message message) {
    try {
      Future<Void> handled = handler.handle(message);
      return handled != null
          ? handled
          : Future.failedFuture(new IllegalStateException("the handler returned no future"));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
