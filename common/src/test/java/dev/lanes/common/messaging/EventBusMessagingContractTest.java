package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The contract on the Vert.x event bus, where a send waits for the consumer's answer. */
class EventBusMessagingContractTest extends MessagingContract {

  @Override
  Future<Messaging> newMessaging(Vertx vertx) {
    return Future.succeededFuture(
        new EventBusMessaging(vertx, Duration.ofSeconds(2), FAST_RETRY, recorder));
  }

  @Override
  List<String> otherKeysSharingTheQueueOf(String key, int count) {
    return java.util.stream.IntStream.range(0, count).mapToObj(i -> key + "-other" + i).toList();
  }

  @Override
  Future<Void> sendMalformed(String channel, String key) {
    // the consumer refuses it: the sender hears of it, which is all the event bus can do
    return vertx
        .eventBus()
        .request(channel, Buffer.buffer("not a cloud event"), new DeliveryOptions())
        .<Void>mapEmpty()
        .otherwiseEmpty();
  }

  @Test
  void aCommandSentWhileNoConsumerRunsFailsSoTheSenderRetries() {
    assertThatThrownBy(() -> done(messaging.send(Channels.BUILD_COMMANDS, command("web", 1))))
        .hasMessageContaining(Channels.BUILD_COMMANDS);
  }

  @Test
  void aCommandIsAnsweredOnlyOnceItWasHandledOrGivenUp() {
    AtomicInteger attempts = new AtomicInteger();
    done(
        messaging.consume(
            Channels.BUILD_COMMANDS,
            "build-service",
            m ->
                Future.failedFuture(
                    new java.net.ConnectException("refused " + attempts.incrementAndGet()))));

    done(messaging.send(Channels.BUILD_COMMANDS, command("web", 1)));

    assertThat(attempts.get()).isEqualTo(FAST_RETRY.limit());
    assertThat(deadLetters)
        .singleElement()
        .satisfies(l -> assertThat(l.error()).isEqualTo("refused 5"));
  }

  @Test
  void aMalformedCommandIsADeadLetterWithItsBytes() {
    done(sendMalformed(Channels.BUILD_COMMANDS, "web"));

    // no consumer yet: the malformed one is refused; with one, it is recorded
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", new Recorder()));
    done(sendMalformed(Channels.BUILD_COMMANDS, "web"));

    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.messageId()).isNull();
              assertThat(l.attempts()).isZero();
              assertThat(l.record().getString("value")).isEqualTo("not a cloud event");
            });
  }

  @Test
  void aTransportFromTheLocalConfigurationIsTheEventBus() {
    Messaging local =
        done(
            Transports.create(vertx, MessagingConfig.LOCAL_DEFAULT, "test", Duration.ofSeconds(1)));
    assertThat(local).isInstanceOf(EventBusMessaging.class);
  }
}
