package dev.lanes.common.messaging.eventbus;

import dev.lanes.common.messaging.DeadLetter;
import dev.lanes.common.messaging.DeadLetters;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.MessageHandler;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.RetryPolicy;
import dev.lanes.common.messaging.Subscription;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
 * request that the consumer answers once its handler is done. The consumer retries a transient
 * failure itself, with the {@link RetryPolicy}'s backoff, and gives up a permanent one, or one past
 * the policy's limit, to its {@link DeadLetters}; the send succeeds once the command was handled or
 * dead-lettered, and fails when nobody consumes the channel, the dead letter could not be recorded,
 * or the timeout passed (the sender retries). Messages travel as CloudEvents JSON, as they do on
 * Kafka.
 */
public final class EventBusMessaging implements Messaging {

  private static final Logger LOG = LoggerFactory.getLogger(EventBusMessaging.class);
  private static final int HANDLER_FAILED = 500;

  private final Vertx vertx;
  private final DeliveryOptions commandOptions;
  private final RetryPolicy retry;
  private final DeadLetters deadLetters;

  /** With {@link RetryPolicy#DEFAULT}; dead letters are only logged. */
  public EventBusMessaging(Vertx vertx, Duration commandTimeout) {
    this(vertx, commandTimeout, RetryPolicy.DEFAULT, DeadLetters.LOG_ONLY);
  }

  public EventBusMessaging(
      Vertx vertx, Duration commandTimeout, RetryPolicy retry, DeadLetters deadLetters) {
    this.vertx = vertx;
    this.commandOptions = new DeliveryOptions().setSendTimeout(commandTimeout.toMillis());
    this.retry = retry;
    this.deadLetters = deadLetters;
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
    return register(channel, group, new InKeyOrder(new Retrying(channel, group, handler)));
  }

  @Override
  public Future<Subscription> subscribe(String channel, MessageHandler handler) {
    return register(channel, null, handler);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /**
   * @param group the consumer group, or {@code null} for a subscription
   */
  private Future<Subscription> register(String channel, String group, MessageHandler handler) {
    MessageConsumer<Buffer> consumer =
        vertx.eventBus().consumer(channel, delivery -> dispatch(channel, group, handler, delivery));
    Subscription subscription = consumer::unregister;
    return consumer.completion().map(subscription);
  }

  private void dispatch(
      String channel,
      String group,
      MessageHandler handler,
      io.vertx.core.eventbus.Message<Buffer> delivery) {
    Message message;
    try {
      message = Message.fromCloudEvent(new JsonObject(delivery.body()));
    } catch (RuntimeException e) {
      LOG.warn("dropping a malformed message on {}: {}", channel, e.getMessage());
      if (group == null) {
        return;
      }
      // a command nobody can read: a dead letter, never handed to the handler
      JsonObject record = DeadLetter.withValue(recordOf(channel, null), bytes(delivery.body()));
      deadLetters
          .record(DeadLetter.of(group, channel, null, null, record, e, 0))
          .onComplete(
              done -> {
                if (done.succeeded()) {
                  delivery.reply(null);
                } else {
                  delivery.fail(HANDLER_FAILED, "malformed message");
                }
              });
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
   * Hands a command to the handler until it succeeds, retrying a transient failure with the
   * policy's backoff; a permanent failure, or the last attempt's, becomes a dead letter (the
   * returned future then succeeds: the command is dealt with).
   */
  private final class Retrying implements MessageHandler {
    private final String channel;
    private final String group;
    private final MessageHandler handler;

    Retrying(String channel, String group, MessageHandler handler) {
      this.channel = channel;
      this.group = group;
      this.handler = handler;
    }

    @Override
    public Future<Void> handle(Message message) {
      Promise<Void> done = Promise.promise();
      attempt(message, 1, done);
      return done.future();
    }

    private void attempt(Message message, int attempt, Promise<Void> done) {
      MessageHandler.invoke(handler, message)
          .onComplete(
              result -> {
                if (result.succeeded()) {
                  done.complete();
                  return;
                }
                Duration wait = retry.retryAfter(result.cause(), attempt);
                if (wait == null) {
                  JsonObject record =
                      DeadLetter.withValue(
                          recordOf(channel, message.partitionKey()),
                          message.toCloudEvent().toBuffer().getBytes());
                  deadLetters
                      .record(
                          DeadLetter.of(
                              group,
                              channel,
                              message,
                              message.partitionKey(),
                              record,
                              result.cause(),
                              attempt))
                      .onComplete(done);
                  return;
                }
                LOG.warn(
                    "handling {} {} on {} failed (attempt {}), again in {} ms: {}",
                    message.type(),
                    message.id(),
                    channel,
                    attempt,
                    wait.toMillis(),
                    result.cause().toString());
                vertx.setTimer(wait.toMillis(), t -> attempt(message, attempt + 1, done));
              });
    }
  }

  private static JsonObject recordOf(String channel, String key) {
    return new JsonObject().put("topic", channel).put("key", key);
  }

  private static byte[] bytes(Buffer body) {
    return body == null ? null : body.getBytes();
  }

  /**
   * Runs a handler for one message of a key at a time; messages of other keys (or none) do not
   * wait. Confined to the consumer's context, like the event-bus handler that calls it.
   */
  private static final class InKeyOrder implements MessageHandler {
    private final MessageHandler handler;
    private final Map<String, Future<Void>> last = new HashMap<>();

    /**
     * The handling of each message id queued or under way: a command sent again while its first
     * delivery is still being retried (the sender's timeout passed) joins it instead of running
     * twice.
     */
    private final Map<String, Future<Void>> inFlight = new HashMap<>();

    InKeyOrder(MessageHandler handler) {
      this.handler = handler;
    }

    @Override
    public Future<Void> handle(Message message) {
      String key = message.partitionKey();
      if (key == null) {
        return MessageHandler.invoke(handler, message);
      }
      Future<Void> same = inFlight.get(message.id());
      if (same != null) {
        return same;
      }
      Future<Void> before = last.getOrDefault(key, Future.succeededFuture());
      Future<Void> mine = before.transform(ignored -> MessageHandler.invoke(handler, message));
      last.put(key, mine);
      inFlight.put(message.id(), mine);
      return mine.onComplete(
          done -> {
            inFlight.remove(message.id(), mine);
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
