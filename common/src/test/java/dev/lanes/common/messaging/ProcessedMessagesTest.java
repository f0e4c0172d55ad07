package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.testkit.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProcessedMessagesTest {

  private static Vertx vertx;
  private static Pool pool;
  private static ProcessedMessages processed;

  @BeforeAll
  static void migrate() {
    TestPostgres.Database pg = TestPostgres.newDatabase();
    DbConfig db = DbConfig.local(pg.host(), pg.port(), pg.name(), pg.user(), 2);
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db, 2, "test");
    processed = new ProcessedMessages(pool);
  }

  @AfterAll
  static void close() {
    done(vertx.close());
  }

  private static <T> T done(Future<T> future) {
    return future.timeout(20, TimeUnit.SECONDS).await();
  }

  private static Message message() {
    return Message.of("dev.lanes.test", "/test", "s", "web", new JsonObject());
  }

  @Test
  void aRedeliveredMessageIsNotHandledTwice() {
    List<Message> handled = new CopyOnWriteArrayList<>();
    MessageHandler once =
        processed.once(
            "build-service",
            m -> {
              handled.add(m);
              return Future.succeededFuture();
            });
    Message message = message();

    done(once.handle(message));
    done(once.handle(message));

    assertThat(handled).containsExactly(message);
  }

  @Test
  void eachConsumerHandlesAMessageOnce() {
    List<String> handledBy = new CopyOnWriteArrayList<>();
    Message message = message();

    for (String consumer : List.of("build-service", "release-service", "build-service")) {
      MessageHandler once =
          processed.once(
              consumer,
              m -> {
                handledBy.add(consumer);
                return Future.succeededFuture();
              });
      done(once.handle(message));
    }

    assertThat(handledBy).containsExactly("build-service", "release-service");
  }

  @Test
  void aFailedHandlingIsNotRecordedSoTheRedeliveryRunsAgain() {
    AtomicBoolean fail = new AtomicBoolean(true);
    List<Message> handled = new CopyOnWriteArrayList<>();
    MessageHandler once =
        processed.once(
            "build-service",
            m -> {
              if (fail.getAndSet(false)) {
                return Future.failedFuture(new IllegalStateException("not yet"));
              }
              handled.add(m);
              return Future.succeededFuture();
            });
    Message message = message();

    assertThatThrownBy(() -> done(once.handle(message))).hasMessageContaining("not yet");
    done(once.handle(message));

    assertThat(handled).containsExactly(message);
  }

  @Test
  void pruningForgetsOnlyOldIds() {
    Message old = message();
    Message recent = message();
    done(
        pool.preparedQuery(
                "insert into processed_messages (consumer, message_id, processed_at)"
                    + " values ($1, $2, now() - interval '8 days')")
            .execute(Tuple.of("pruner", old.id())));
    done(processed.once("pruner", m -> Future.succeededFuture()).handle(recent));

    int pruned = done(processed.prune(ProcessedMessages.RETENTION));

    assertThat(pruned).isGreaterThanOrEqualTo(1);
    assertThat(ids("pruner")).containsExactly(recent.id());
  }

  private static List<String> ids(String consumer) {
    return done(
            pool.preparedQuery("select message_id from processed_messages where consumer = $1")
                .execute(Tuple.of(consumer)))
        .stream()
        .map(row -> row.getString(0))
        .toList();
  }
}
