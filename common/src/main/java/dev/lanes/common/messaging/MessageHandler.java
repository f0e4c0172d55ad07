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
}
