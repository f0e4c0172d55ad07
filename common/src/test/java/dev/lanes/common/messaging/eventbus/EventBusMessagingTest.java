package dev.lanes.common.messaging.eventbus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.messaging.DeadLetter;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.RetryPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EventBusMessagingTest {

  private Messaging messaging;

  @BeforeEach
  void setUp(Vertx vertx) {
    messaging = new EventBusMessaging(vertx, Duration.ofSeconds(2));
  }

  private static Message command(String subject) {
    return Message.of("dev.lanes.test", "/test", subject, "web", new JsonObject().put("n", 1));
  }

  @Test
  void aCommandSucceedsOnceItsConsumerHandledIt() throws Exception {
    List<Message> handled = new CopyOnWriteArrayList<>();
    messaging
        .consume(
            "c",
            "g",
            m -> {
              handled.add(m);
              return Future.succeededFuture();
            })
        .await(5, TimeUnit.SECONDS);
    Message sent = command("one");

    messaging.send("c", sent).await(5, TimeUnit.SECONDS);

    assertThat(handled).containsExactly(sent);
  }

  @Test
  void aCommandGoesToOneConsumerOfTheGroup() throws Exception {
    List<String> handledBy = new CopyOnWriteArrayList<>();
    for (String name : List.of("a", "b")) {
      messaging
          .consume(
              "c",
              "g",
              m -> {
                handledBy.add(name);
                return Future.succeededFuture();
              })
          .await(5, TimeUnit.SECONDS);
    }
    messaging.send("c", command("one")).await(5, TimeUnit.SECONDS);
    assertThat(handledBy).hasSize(1);
  }

  @Test
  void aCommandGivenUpIsAnsweredOnceItsDeadLetterIsRecorded(Vertx vertx) throws Exception {
    List<DeadLetter> letters = new CopyOnWriteArrayList<>();
    Messaging recording =
        new EventBusMessaging(
            vertx,
            Duration.ofSeconds(2),
            RetryPolicy.DEFAULT,
            letter -> {
              letters.add(letter);
              return Future.succeededFuture();
            });
    recording
        .consume("c", "g", m -> Future.failedFuture(new IllegalStateException("broken")))
        .await(5, TimeUnit.SECONDS);

    recording.send("c", command("x")).await(5, TimeUnit.SECONDS);

    assertThat(letters).singleElement().satisfies(l -> assertThat(l.error()).isEqualTo("broken"));
  }

  @Test
  void aDeadLetterThatCannotBeRecordedFailsTheSendSoTheSenderRetries(
      Vertx vertx, VertxTestContext ctx) {
    Messaging unrecorded =
        new EventBusMessaging(
            vertx,
            Duration.ofSeconds(2),
            RetryPolicy.DEFAULT,
            letter -> Future.failedFuture(new IllegalStateException("no database")));
    unrecorded
        .consume("c", "g", m -> Future.failedFuture(new IllegalStateException("broken")))
        .compose(s -> unrecorded.send("c", command("x")))
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(e).hasMessageContaining("no database");
                          ctx.completeNow();
                        })));
  }

  @Test
  void aCommandNobodyConsumesFails(VertxTestContext ctx) {
    messaging.send("nobody", command("x")).onComplete(ctx.failing(e -> ctx.completeNow()));
  }

  @Test
  void anEventReachesEverySubscriber(VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    Future.all(
            messaging.subscribe(
                "e",
                m -> {
                  checkpoint.flag();
                  return Future.succeededFuture();
                }),
            messaging.subscribe(
                "e",
                m -> {
                  checkpoint.flag();
                  return Future.succeededFuture();
                }))
        .compose(v -> messaging.publish("e", command("evt")))
        .onFailure(ctx::failNow);
  }

  @Test
  void aCancelledSubscriptionReceivesNothingMore(VertxTestContext ctx) {
    List<Message> seen = new CopyOnWriteArrayList<>();
    messaging
        .consume(
            "c",
            "g",
            m -> {
              seen.add(m);
              return Future.succeededFuture();
            })
        .compose(s -> s.cancel())
        .compose(v -> messaging.send("c", command("late")))
        .onComplete(
            ctx.failing(
                e ->
                    ctx.verify(
                        () -> {
                          assertThat(seen).isEmpty();
                          ctx.completeNow();
                        })));
  }
}
