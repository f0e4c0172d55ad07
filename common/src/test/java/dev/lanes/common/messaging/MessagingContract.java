package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Messaging} transport does; one subclass per transport runs it. What differs
 * between transports (a command nobody consumes, a failing handler) is tested in the subclasses.
 */
abstract class MessagingContract {

  static final Duration WAIT = Duration.ofSeconds(20);

  Vertx vertx;
  Messaging messaging;

  /** A started transport on {@code vertx}, isolated from the other tests. */
  abstract Future<Messaging> newMessaging(Vertx vertx);

  /** Puts something that is not a CloudEvent on {@code channel}, keyed by {@code key}. */
  abstract Future<Void> sendMalformed(String channel, String key);

  @BeforeEach
  void startTransport() {
    vertx = Vertx.vertx();
    messaging = done(newMessaging(vertx));
  }

  @AfterEach
  void stopTransport() {
    done(messaging.close());
    done(vertx.close());
  }

  static <T> T done(Future<T> future) {
    try {
      return future.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("not done within " + WAIT, e);
    }
  }

  static Message command(String app, int n) {
    return Message.of(
        "dev.lanes.test.step", "/lanes/test", app + "-" + n, app, new JsonObject().put("n", n));
  }

  /** A handler that remembers what it was given, from any thread. */
  static final class Recorder implements MessageHandler {
    final List<Message> messages = new CopyOnWriteArrayList<>();

    @Override
    public Future<Void> handle(Message message) {
      messages.add(message);
      return Future.succeededFuture();
    }

    List<Integer> numbers() {
      return messages.stream().map(m -> m.data().getInteger("n")).toList();
    }

    List<String> ids() {
      return messages.stream().map(Message::id).toList();
    }
  }

  @Test
  void aCommandReachesExactlyOneConsumerOfItsGroup() {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", first));
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", second));
    List<String> sent = new ArrayList<>();

    for (int i = 0; i < 12; i++) {
      Message command = command("app" + i, i);
      sent.add(command.id());
      done(messaging.send(Channels.BUILD_COMMANDS, command));
    }

    await().atMost(WAIT).until(() -> first.messages.size() + second.messages.size() >= sent.size());
    List<String> handled = new ArrayList<>(first.ids());
    handled.addAll(second.ids());
    assertThat(handled).containsExactlyInAnyOrderElementsOf(sent);
  }

  @Test
  void oneAppsCommandsArriveInTheOrderTheyWereSent() {
    Recorder recorder = new Recorder();
    done(messaging.consume(Channels.RELEASE_COMMANDS, "release-service", recorder));
    List<Future<Void>> sends = new ArrayList<>();

    for (int i = 0; i < 20; i++) {
      sends.add(messaging.send(Channels.RELEASE_COMMANDS, command("web", i)));
    }

    done(Future.all(sends));
    await().atMost(WAIT).until(() -> recorder.messages.size() >= 20);
    assertThat(recorder.numbers()).containsExactlyElementsOf(range(20));
  }

  @Test
  void oneAppsCommandsAreHandledOneAtATimeWhileOtherAppsGoOn() {
    // each handler of app web takes a while: the next may start only when it has finished
    AtomicInteger busy = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    List<Integer> finished = new CopyOnWriteArrayList<>();
    List<String> others = new CopyOnWriteArrayList<>();
    MessageHandler slow =
        message -> {
          if (!"web".equals(message.partitionKey())) {
            others.add(message.partitionKey());
            return Future.succeededFuture();
          }
          mostAtOnce.accumulateAndGet(busy.incrementAndGet(), Math::max);
          return Future.<Void>future(p -> vertx.setTimer(30, t -> p.complete()))
              .onComplete(
                  v -> {
                    busy.decrementAndGet();
                    finished.add(message.data().getInteger("n"));
                  });
        };
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", slow));

    for (int i = 0; i < 5; i++) {
      messaging.send(Channels.BUILD_COMMANDS, command("web", i));
    }
    messaging.send(Channels.BUILD_COMMANDS, command("api", 0));

    await().atMost(WAIT).until(() -> finished.size() == 5 && others.size() == 1);
    assertThat(finished).containsExactlyElementsOf(range(5));
    assertThat(mostAtOnce.get()).as("web's commands handled at once, at most").isEqualTo(1);
  }

  @Test
  void anEventReachesEverySubscriber() {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    done(messaging.subscribe(Channels.EVENTS, first));
    done(messaging.subscribe(Channels.EVENTS, second));
    Message event = command("web", 1);

    done(messaging.publish(Channels.EVENTS, event));

    await().atMost(WAIT).until(() -> first.messages.size() == 1 && second.messages.size() == 1);
    assertThat(first.messages).containsExactly(event);
    assertThat(second.messages).containsExactly(event);
  }

  @Test
  void aMalformedMessageIsSkippedAndTheNextOneHandled() {
    Recorder recorder = new Recorder();
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", recorder));
    Message good = command("web", 2);

    done(sendMalformed(Channels.BUILD_COMMANDS, "web"));
    done(messaging.send(Channels.BUILD_COMMANDS, good));

    await().atMost(WAIT).until(() -> !recorder.messages.isEmpty());
    assertThat(recorder.messages).containsExactly(good);
  }

  static List<Integer> range(int n) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      numbers.add(i);
    }
    return numbers;
  }
}
