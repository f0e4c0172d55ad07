package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The contract on the Vert.x event bus, where a send waits for the consumer's answer. */
class EventBusMessagingContractTest extends MessagingContract {

  @Override
  Future<Messaging> newMessaging(Vertx vertx) {
    return Future.succeededFuture(new EventBusMessaging(vertx, Duration.ofSeconds(2)));
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
  void aFailingHandlerFailsTheSend() {
    done(
        messaging.consume(
            Channels.BUILD_COMMANDS,
            "build-service",
            m -> Future.failedFuture(new IllegalStateException("busy"))));

    assertThatThrownBy(() -> done(messaging.send(Channels.BUILD_COMMANDS, command("web", 1))))
        .hasMessageContaining("busy");
  }

  @Test
  void aTransportFromTheLocalConfigurationIsTheEventBus() {
    Messaging local =
        done(
            Transports.create(vertx, MessagingConfig.LOCAL_DEFAULT, "test", Duration.ofSeconds(1)));
    assertThat(local).isInstanceOf(EventBusMessaging.class);
  }
}
