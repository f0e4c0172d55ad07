package dev.lanes.common.messaging.eventbus;

import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.MessageHandler;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.Subscription;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Messaging} on the Vert.x event bus, for services that share one JVM. A command is a
 * request that the consumer answers once its handler is done, so a failed or missing handler fails
 * the send and the sender retries. Messages travel as CloudEvents JSON, as they do on Kafka.
 */
public final class EventBusMessaging implements Messaging {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusMessaging.class);
  private static final int HANDLER_FAILED = 500;

  private final Vertx vertx;
  private final DeliveryOptions commandOptions;

  public EventBusMessaging(Vertx vertx, Duration commandTimeout) {
    this.vertx = vertx;
    this.commandOptions = new DeliveryOptions().setSendTimeout(commandTimeout.toMillis());
  }

  @Override
  public Future<Void> send(String channel, Message command) {
    return vertx.eventBus().request(channel, encode(command), commandOptions).mapEmpty();
  }

  @Override
  public Future<Void> publish(String channel, Message event) {
    vertx.eventBus().publish(channel, encode(event));
    return Future.succeededFuture();
  }

  @Override
  public Future<Subscription> consume(String channel, String group, MessageHandler handler) {
    // One JVM holds one member per group: the event bus picks one consumer per request. Commands
    // with the same partition key are handled one after the other, in arrival order, as a Kafka
    // partition hands them out: one app's builds queue in the order they were asked for.
    return register(channel, new InKeyOrder(handler));
  }

  @Override
  public Future<Subscription> subscribe(String channel, MessageHandler handler) {
    return register(channel, handler);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private Future<Subscription> register(String channel, MessageHandler handler) {
    MessageConsumer<Buffer> consumer =
        vertx.eventBus().consumer(channel, delivery -> dispatch(channel, handler, delivery));
    Subscription subscription = consumer::unregister;
    return consumer.completion().map(subscription);
  }

  private void dispatch(
      String channel, MessageHandler handler, io.vertx.core.eventbus.Message<Buffer> delivery) {
    Message message;
    try {
      message = Message.fromCloudEvent(new JsonObject(delivery.body()));
    } catch (RuntimeException e) {
      LOG.warn("dropping a malformed message on {}: {}", channel, e.getMessage());
      delivery.fail(HANDLER_FAILED, "malformed message");
      return;
    }
    MessageHandler.invoke(handler, message)
        .onComplete(
            done -> {
              if (done.succeeded()) {
                delivery.reply(null);
              } else {
                LOG.warn(
                    "handling {} {} on {} failed: {}",
                    message.type(),
                    message.id(),
                    channel,
                    done.cause().toString());
                delivery.fail(HANDLER_FAILED, String.valueOf(done.cause().getMessage()));
              }
            });
  }

  /**
   * Runs a handler for one message of a key at a time; messages of other keys (or none) do not
   * wait. Confined to the consumer's context, like the event-bus handler that calls it.
   */
  private static final class InKeyOrder implements MessageHandler {
    private final MessageHandler handler;
    private final Map<String, Future<Void>> last = new HashMap<>();

    InKeyOrder(MessageHandler handler) {
      this.handler = handler;
    }

    @Override
    public Future<Void> handle(Message message) {
      String key = message.partitionKey();
      if (key == null) {
        return MessageHandler.invoke(handler, message);
      }
      Future<Void> before = last.getOrDefault(key, Future.succeededFuture());
      Future<Void> mine = before.transform(ignored -> MessageHandler.invoke(handler, message));
      last.put(key, mine);
      return mine.onComplete(
          done -> {
            if (last.get(key) == mine) {
              last.remove(key);
            }
          });
    }
  }

  private static Buffer encode(Message message) {
    return message.toCloudEvent().toBuffer();
  }
}
