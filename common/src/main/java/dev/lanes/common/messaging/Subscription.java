package dev.lanes.common.messaging;

import io.vertx.core.Future;

/** A registered consumer or subscriber; cancelling it stops deliveries to its handler. */
public interface Subscription {
  Future<Void> cancel();
}
