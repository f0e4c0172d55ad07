package dev.lanes.common.outbox;

import dev.lanes.common.messaging.Message;

/**
 * A message to publish after the transaction that wrote it commits.
 *
 * @param channel where the relay publishes it, e.g. {@code lanes.commands.builds}
 * @param command {@code true} for a command (one consumer), {@code false} for an event (everyone)
 */
public record OutboxEntry(
    String aggregateType, String aggregateId, String channel, boolean command, Message message) {}
