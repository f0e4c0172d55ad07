package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.error.ServerError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

  /** 20 ms, doubling, at most 200 ms; five attempts in all. */
  static final RetryPolicy FAST_RETRY =
      new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(200), 5);

  Vertx vertx;
  Messaging messaging;

  /** What the transport gave up; {@link #recorder} records into it. */
  final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

  final DeadLetters recorder =
      letter -> {
        deadLetters.add(letter);
        return Future.succeededFuture();
      };

  /**
   * A started transport on {@code vertx}, isolated from the other tests, retrying with {@link
   * #FAST_RETRY} and giving messages up to {@link #recorder}.
   */
  abstract Future<Messaging> newMessaging(Vertx vertx);

  /**
   * {@code count} keys other than {@code key} whose commands share its queue: the same Kafka
   * partition (the event bus queues per key, so any other key).
   */
  abstract List<String> otherKeysSharingTheQueueOf(String key, int count);

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

  /** A build command as the gateway writes it, with {@code build_id} as given. */
  static Message buildRequested(String app, String buildId) {
    return Message.of(
        "dev.lanes.build.requested",
        "/lanes/api-gateway",
        buildId,
        app,
        new JsonObject().put("build_id", buildId));
  }

  /** Parses {@code build_id} as the build-service does, and remembers what it handled. */
  static final class BuildHandler implements MessageHandler {
    final List<String> handled = new CopyOnWriteArrayList<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public Future<Void> handle(Message message) {
      calls.incrementAndGet();
      MalformedMessage.uuid(message, "build_id");
      handled.add(message.partitionKey() + "/" + message.data().getString("build_id"));
      return Future.succeededFuture();
    }
  }

  @Test
  void aMalformedCommandIsDeadLetteredAtOnceAndTheCommandsBehindItOnItsQueueGoOn() {
    BuildHandler handler = new BuildHandler();
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", handler));
    List<String> apps = new ArrayList<>(List.of("web"));
    apps.addAll(otherKeysSharingTheQueueOf("web", 3));
    List<String> expected = new ArrayList<>();

    Message poison = buildRequested("web", "not-a-uuid");
    messaging.send(Channels.BUILD_COMMANDS, poison);
    long start = System.nanoTime();
    for (String app : apps) {
      String id = java.util.UUID.randomUUID().toString();
      expected.add(app + "/" + id);
      messaging.send(Channels.BUILD_COMMANDS, buildRequested(app, id));
    }

    // promptly: well within the first retry's backoff would be, had the failure been retried
    await().atMost(WAIT).until(() -> handler.handled.size() == expected.size());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(handler.handled).containsExactlyInAnyOrderElementsOf(expected);
    await().atMost(WAIT).until(() -> !deadLetters.isEmpty());
    DeadLetter letter = deadLetters.get(0);
    assertThat(deadLetters).hasSize(1);
    assertThat(letter.messageId()).isEqualTo(poison.id());
    assertThat(letter.consumer()).isEqualTo("build-service");
    assertThat(letter.channel()).isEqualTo(Channels.BUILD_COMMANDS);
    assertThat(letter.key()).isEqualTo("web");
    assertThat(letter.attempts()).isEqualTo(1);
    assertThat(letter.errorClass()).isEqualTo(MalformedMessage.class.getName());
    assertThat(letter.error()).contains("build_id").contains("not-a-uuid");
    assertThat(letter.record().getString("value")).contains("not-a-uuid");
    assertThat(handler.calls.get()).isEqualTo(expected.size() + 1);
  }

  @Test
  void aTransientFailureIsRetriedWithBackoffAndSucceeds() {
    List<Long> attempts = new CopyOnWriteArrayList<>();
    done(
        messaging.consume(
            Channels.BUILD_COMMANDS,
            "build-service",
            m -> {
              attempts.add(System.nanoTime());
              return attempts.size() <= 3
                  ? Future.failedFuture(new java.net.ConnectException("connection refused"))
                  : Future.succeededFuture();
            }));

    messaging.send(Channels.BUILD_COMMANDS, command("web", 1));

    await().atMost(WAIT).until(() -> attempts.size() == 4);
    // 20 ms, 40 ms, 80 ms: each wait at least the one before, doubled
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < attempts.size(); i++) {
      gaps.add(Duration.ofNanos(attempts.get(i) - attempts.get(i - 1)).toMillis());
    }
    assertThat(gaps.get(0)).isGreaterThanOrEqualTo(19);
    assertThat(gaps.get(1)).isGreaterThanOrEqualTo(39);
    assertThat(gaps.get(2)).isGreaterThanOrEqualTo(79);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void aTransientFailureThatNeverEndsIsDeadLetteredAfterTheLimitAndTheQueueGoesOn() {
    AtomicInteger attempts = new AtomicInteger();
    Recorder after = new Recorder();
    done(
        messaging.consume(
            Channels.BUILD_COMMANDS,
            "build-service",
            m -> {
              if (m.data().getInteger("n") == 0) {
                attempts.incrementAndGet();
                return Future.failedFuture(
                    dev.lanes.common.error.ServerError.unavailable(
                        dev.lanes.common.error.ErrorCode.DATABASE_UNAVAILABLE, "down", null));
              }
              return after.handle(m);
            }));

    messaging.send(Channels.BUILD_COMMANDS, command("web", 0));
    messaging.send(Channels.BUILD_COMMANDS, command("web", 1));

    await().atMost(WAIT).until(() -> after.messages.size() == 1);
    assertThat(attempts.get()).isEqualTo(FAST_RETRY.limit());
    assertThat(deadLetters)
        .singleElement()
        .satisfies(
            l -> {
              assertThat(l.attempts()).isEqualTo(FAST_RETRY.limit());
              assertThat(l.errorClass())
                  .isEqualTo(dev.lanes.common.error.ServerError.class.getName());
              assertThat(l.error()).isEqualTo("down");
            });
  }

  // request-reply (Requester, Responder) on this transport

  static final String ECHO = "dev.lanes.test.echo";
  static final String REFUSE = "dev.lanes.test.refuse";

  /** Answers {@link #ECHO} with the body and {@link #REFUSE} with a problem; counts the runs. */
  Responder echo(AtomicInteger runs) {
    return new Responder(
        messaging,
        "/lanes/test-owner",
        Map.of(
            ECHO,
            body -> {
              runs.incrementAndGet();
              return Future.succeededFuture(body.copy().put("answered", true));
            },
            REFUSE,
            body -> {
              runs.incrementAndGet();
              return Future.failedFuture(
                  new ClientError(
                      ErrorCode.VALIDATION_FAILED,
                      "no good",
                      List.of(new FieldError("name", "must be lowercase"))));
            }));
  }

  Requester requester(Duration timeout) {
    Requester requester = new Requester(vertx, messaging, "/lanes/test", timeout);
    done(requester.start());
    return requester;
  }

  @Test
  void aRequestIsAnsweredWithTheOwnersResult() {
    AtomicInteger runs = new AtomicInteger();
    done(messaging.consume(Channels.BUILD_REQUESTS, "owner", echo(runs)));
    Requester requester = requester(WAIT);

    JsonObject answer =
        done(
            requester.request(
                Channels.BUILD_REQUESTS, ECHO, "web", new JsonObject().put("name", "web")));

    assertThat(answer).isEqualTo(new JsonObject().put("name", "web").put("answered", true));
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void theOwnersProblemReachesTheRequesterWithItsCodeAndFields() {
    done(messaging.consume(Channels.BUILD_REQUESTS, "owner", echo(new AtomicInteger())));
    Requester requester = requester(WAIT);

    Throwable failure =
        failureOf(requester.request(Channels.BUILD_REQUESTS, REFUSE, "web", new JsonObject()));

    assertThat(failure)
        .isInstanceOfSatisfying(
            ClientError.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
              assertThat(e.detail()).isEqualTo("no good");
              assertThat(e.fieldErrors())
                  .containsExactly(new FieldError("name", "must be lowercase"));
            });
  }

  @Test
  void eachRequesterGetsItsOwnAnswers() {
    done(messaging.consume(Channels.BUILD_REQUESTS, "owner", echo(new AtomicInteger())));
    Requester first = requester(WAIT);
    Requester second = requester(WAIT);

    Future<JsonObject> a =
        first.request(Channels.BUILD_REQUESTS, ECHO, "web", new JsonObject().put("n", 1));
    Future<JsonObject> b =
        second.request(Channels.BUILD_REQUESTS, ECHO, "web", new JsonObject().put("n", 2));

    assertThat(done(a).getInteger("n")).isEqualTo(1);
    assertThat(done(b).getInteger("n")).isEqualTo(2);
  }

  @Test
  void aRequestNobodyAnswersFailsAsUnavailableWithinItsTimeout() {
    Requester requester = requester(Duration.ofSeconds(2));

    Throwable failure =
        failureOf(requester.request(Channels.BUILD_REQUESTS, ECHO, "web", new JsonObject()));

    assertThat(failure)
        .isInstanceOfSatisfying(
            ServerError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SERVICE_UNAVAILABLE));
  }

  @Test
  void aRequestPastItsDeadlineIsDroppedNotRun() {
    AtomicInteger runs = new AtomicInteger();
    done(messaging.consume(Channels.BUILD_REQUESTS, "owner", echo(runs)));
    Requester requester = requester(WAIT);
    // as a requester that gave up leaves it: its deadline passed before the owner got to it
    Message late =
        Message.of(
            ECHO,
            "/lanes/test",
            "web",
            "web",
            new JsonObject()
                .put(Requester.REQUESTER, "gone")
                .put(Requester.DEADLINE, Instant.now().minusSeconds(1).toString())
                .put(Requester.BODY, new JsonObject()));
    done(messaging.send(Channels.BUILD_REQUESTS, late));

    // the same key, so the owner handles it after the late one
    done(requester.request(Channels.BUILD_REQUESTS, ECHO, "web", new JsonObject()));

    assertThat(runs.get()).as("operations run").isEqualTo(1);
  }

  static Throwable failureOf(Future<?> future) {
    try {
      future.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      return e;
    }
    throw new AssertionError("succeeded, but a failure was expected");
  }

  static List<Integer> range(int n) {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      numbers.add(i);
    }
    return numbers;
  }
}
