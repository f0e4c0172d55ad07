package dev.lanes.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import dev.lanes.testkit.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutboxRelayTest {

  private static final OutboxRelay.Settings FAST =
      new OutboxRelay.Settings(50, Duration.ofMillis(100), Duration.ofMillis(100));
  private static final String CHANNEL = "test.commands";

  private Vertx vertx;
  private DbConfig db;
  private Pool pool;
  private EventBusMessaging messaging;
  private final Map<String, List<String>> received = new ConcurrentHashMap<>();

  @BeforeEach
  void setUp() {
    TestPostgres.Database pg = TestPostgres.newDatabase();
    db = DbConfig.local(pg.host(), pg.port(), pg.name(), pg.user(), 2);
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    pool = Database.pool(vertx, db, 2, "test");
    messaging = new EventBusMessaging(vertx, Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() {
    done(vertx.close());
  }

  private static <T> T done(Future<T> f) {
    return f.timeout(30, TimeUnit.SECONDS).await();
  }

  private void write(String aggregate, String... names) {
    done(
        pool.withTransaction(
            tx -> {
              Future<Void> chain = Future.succeededFuture();
              for (String name : names) {
                Message m =
                    Message.of(
                        "test.step",
                        "/test",
                        aggregate,
                        aggregate,
                        new JsonObject().put("name", name));
                chain =
                    chain.compose(
                        v -> Outbox.append(tx, new OutboxEntry("t", aggregate, CHANNEL, true, m)));
              }
              return chain;
            }));
  }

  private void consume(AtomicBoolean failFirstOfA) {
    done(
        messaging.consume(
            CHANNEL,
            "g",
            m -> {
              String name = m.data().getString("name");
              if (failFirstOfA != null && name.equals("a1") && failFirstOfA.get()) {
                // transient: the consumer retries it; a permanent failure would be dead-lettered
                return Future.failedFuture(
                    dev.lanes.common.error.ServerError.unavailable(
                        dev.lanes.common.error.ErrorCode.DATABASE_UNAVAILABLE, "not yet", null));
              }
              received.computeIfAbsent(m.subject(), k -> new CopyOnWriteArrayList<>()).add(name);
              return Future.succeededFuture();
            }));
  }

  private OutboxRelay relay() {
    return relay(FAST);
  }

  private OutboxRelay relay(OutboxRelay.Settings settings) {
    OutboxRelay relay = new OutboxRelay(vertx, pool, db.connectOptions(), messaging, settings);
    vertx.runOnContext(v -> relay.start());
    return relay;
  }

  private long unpublished() {
    return done(pool.query("select count(*) from outbox where published_at is null").execute())
        .iterator()
        .next()
        .getLong(0);
  }

  @Test
  void publishesWhatWasCommittedBeforeItStartedInOrderPerAggregate() {
    consume(null);
    write("a", "a1", "a2", "a3");
    write("b", "b1", "b2");

    relay();

    await().atMost(Duration.ofSeconds(10)).until(() -> unpublished() == 0);
    assertThat(received.get("a")).containsExactly("a1", "a2", "a3");
    assertThat(received.get("b")).containsExactly("b1", "b2");
  }

  @Test
  void wakesOnTheNotificationOfACommit() {
    consume(null);
    // polls only once a minute: a delivery within seconds came from the notification
    OutboxRelay relay =
        relay(new OutboxRelay.Settings(50, Duration.ofMinutes(1), Duration.ofMillis(100)));
    await().atMost(Duration.ofSeconds(10)).until(relay::isActive);
    await().atMost(Duration.ofSeconds(10)).until(() -> unpublished() == 0);

    write("c", "c1");

    await().atMost(Duration.ofSeconds(5)).until(() -> received.containsKey("c"));
  }

  @Test
  void aFailingMessageHoldsBackItsAggregateButNotTheOthers() {
    AtomicBoolean failing = new AtomicBoolean(true);
    consume(failing);
    write("a", "a1", "a2");
    write("b", "b1");

    relay();

    await().atMost(Duration.ofSeconds(10)).until(() -> received.containsKey("b"));
    assertThat(received.get("a")).isNull();
    failing.set(false);
    await().atMost(Duration.ofSeconds(10)).until(() -> unpublished() == 0);
    assertThat(received.get("a")).containsExactly("a1", "a2");
  }

  @Test
  void aRolledBackTransactionPublishesNothing() {
    consume(null);
    relay();
    try {
      done(
          pool.withTransaction(
              tx ->
                  Outbox.append(
                          tx,
                          new OutboxEntry(
                              "t", "r", CHANNEL, true, Message.of("x", "/t", "r", "r", null)))
                      .compose(
                          v ->
                              Future.failedFuture(
                                  new IllegalStateException("the change failed")))));
    } catch (IllegalStateException expected) {
      // rolled back
    }
    write("d", "d1");
    await().atMost(Duration.ofSeconds(10)).until(() -> received.containsKey("d"));
    assertThat(received).doesNotContainKey("r");
  }

  @Test
  void onlyOneRelayIsActiveAndAnotherTakesOverWhenItStops() {
    consume(null);
    OutboxRelay first = relay();
    await().atMost(Duration.ofSeconds(10)).until(first::isActive);
    OutboxRelay second = relay();
    write("e", "e1");
    await().atMost(Duration.ofSeconds(10)).until(() -> received.containsKey("e"));
    assertThat(second.isActive()).isFalse();

    done(first.stop());

    await().atMost(Duration.ofSeconds(10)).until(second::isActive);
    write("f", "f1");
    await().atMost(Duration.ofSeconds(10)).until(() -> received.containsKey("f"));
  }
}
