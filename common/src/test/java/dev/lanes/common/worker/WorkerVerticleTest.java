package dev.lanes.common.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import dev.lanes.testkit.TestPostgres;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every worker service gets from {@link WorkerVerticle}, seen from outside. */
class WorkerVerticleTest {

  static final String COMMANDS = "lanes.test.commands";
  static final Duration WAIT = Duration.ofSeconds(20);

  Vertx vertx;
  EventBusMessaging messaging;
  SimpleMeterRegistry registry;
  DbConfig db;

  /** A worker that counts: commands handled, leader's rounds, ticks, whether its duty stopped. */
  static final class CountingWorker extends WorkerVerticle {
    final AtomicInteger handled = new AtomicInteger();
    final AtomicInteger rounds = new AtomicInteger();
    final AtomicInteger ticks = new AtomicInteger();
    final AtomicBoolean dutyStopped = new AtomicBoolean();
    final AtomicBoolean workStopped = new AtomicBoolean();

    CountingWorker(WorkerDeps deps) {
      super("test-service", "lanes-test-io", deps);
    }

    @Override
    protected Future<Supplier<Leadership.Duty>> startWork() {
      countStatuses(
          "lanes.tests",
          "Tests by status",
          new Enum<?>[] {Thread.State.NEW, Thread.State.RUNNABLE},
          () -> Future.succeededFuture(Map.of("runnable", 3L)));
      every(Duration.ofMillis(20), ticks::incrementAndGet);
      return consumeCommands(
              COMMANDS,
              m -> {
                handled.incrementAndGet();
                return Future.succeededFuture();
              })
          .map(
              s ->
                  () ->
                      reconcilingEvery(
                          Duration.ofMillis(20),
                          () -> {
                            rounds.incrementAndGet();
                            return Future.succeededFuture();
                          },
                          () -> dutyStopped.set(true)));
    }

    @Override
    protected String describe() {
      return "counting";
    }

    @Override
    protected Future<Void> stopWork() {
      workStopped.set(true);
      return Future.succeededFuture();
    }
  }

  @BeforeEach
  void start() {
    TestPostgres.Database pg = TestPostgres.newDatabase();
    db = DbConfig.local(pg.host(), pg.port(), pg.name(), pg.user(), 2);
    Migrations.migrate(db);
    vertx = Vertx.vertx();
    messaging = new EventBusMessaging(vertx, Duration.ofSeconds(2));
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  WorkerDeps deps() {
    return new WorkerDeps(db, null, messaging, Leadership.solo(), registry);
  }

  static Message command(String id) {
    return Message.of("dev.lanes.test.step", "/lanes/test", id, "web", new JsonObject());
  }

  @Test
  void aStartedWorkerHandlesEachCommandOnceLeadsAndCounts() throws Exception {
    CountingWorker worker = new CountingWorker(deps());
    vertx.deployVerticle(worker).await(WAIT.toSeconds(), TimeUnit.SECONDS);
    Message once = command("c-1");

    messaging.send(COMMANDS, once).await(WAIT.toSeconds(), TimeUnit.SECONDS);
    messaging.send(COMMANDS, once).await(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(worker.handled.get()).as("a redelivered command is handled once").isEqualTo(1);
    await().atMost(WAIT).until(() -> worker.rounds.get() >= 2 && worker.ticks.get() >= 2);
    assertThat(registry.get("lanes.tests").tag("status", "runnable").gauge().value())
        .isEqualTo(3.0);
    assertThat(registry.get("lanes.tests").tag("status", "new").gauge().value()).isZero();
  }

  @Test
  void stoppingUndoesItAll() throws Exception {
    CountingWorker worker = new CountingWorker(deps());
    String id = vertx.deployVerticle(worker).await(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> worker.rounds.get() >= 1);

    vertx.undeploy(id).await(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(worker.dutyStopped).isTrue();
    assertThat(worker.workStopped).isTrue();
    assertThatThrownBy(
            () ->
                messaging.send(COMMANDS, command("c-2")).await(WAIT.toSeconds(), TimeUnit.SECONDS))
        .as("nobody consumes the commands any more")
        .isNotNull();
    int rounds = worker.rounds.get();
    int ticks = worker.ticks.get();
    // a clock to read: while a second worker ticks three times, a timer of the first left running
    // would have ticked too
    CountingWorker clock = new CountingWorker(deps());
    vertx.deployVerticle(clock).await(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> clock.ticks.get() >= 3 && clock.rounds.get() >= 3);
    assertThat(worker.rounds.get()).isEqualTo(rounds);
    assertThat(worker.ticks.get()).isEqualTo(ticks);
  }
}
