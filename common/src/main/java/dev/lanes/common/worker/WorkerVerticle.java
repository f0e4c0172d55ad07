package dev.lanes.common.worker;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.db.Database;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.MessageHandler;
import dev.lanes.common.messaging.ProcessedMessages;
import dev.lanes.common.messaging.Subscription;
import dev.lanes.common.metrics.StatusGauges;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a worker service starts and stops, shared by build-service and release-service: one database
 * pool, the ids of handled commands, a worker pool for the cluster's blocking calls, its consumers,
 * its timers and its leader's duty; a subclass builds its own parts in {@link #startWork} and only
 * says what to consume, what to count and what the leader does.
 *
 * <p>Stopping undoes it all in reverse: timers, the leader's duty, the consumers (so no command is
 * taken that cannot finish), {@link #stopWork}, then the worker pool and the database.
 */
public abstract class WorkerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(WorkerVerticle.class);

  /** How often the status gauges are counted again. */
  static final Duration COUNT_EVERY = Duration.ofSeconds(5);

  /** How often handled command ids older than their retention are pruned, by the leader. */
  static final Duration PRUNE_EVERY = Duration.ofHours(1);

  private final String name;
  private final String ioPool;
  protected final WorkerDeps deps;
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final List<Long> timers = new ArrayList<>();

  /** The service's database pool; from {@link #startWork} on. */
  protected Database db;

  /** The ids of commands handled, so a redelivered one is handled once. */
  protected ProcessedMessages processed;

  /** Where the cluster's blocking calls run. */
  protected Blocking blocking;

  /**
   * @param name the service, e.g. {@code build-service}: its consumer group and pool name
   * @param ioPool the name of its worker pool for blocking calls, e.g. {@code lanes-build-io}
   */
  protected WorkerVerticle(String name, String ioPool, WorkerDeps deps) {
    this.name = name;
    this.ioPool = ioPool;
    this.deps = deps;
  }

  @Override
  public final Future<?> start() {
    db = Database.create(vertx, deps.db(), 4, name);
    processed = ProcessedMessages.of(db);
    blocking = new Blocking(vertx, ioPool, 8);
    Context context = vertx.getOrCreateContext();
    return startWork()
        .onSuccess(duty -> deps.leadership().lead(context, () -> withPruning(duty.get())))
        .onSuccess(duty -> LOG.info("{} started: {}", name, describe()));
  }

  /**
   * Builds the service's parts on {@link #db}, {@link #blocking} and {@link #deps}, starts its
   * consumers ({@link #consumeCommands}, {@link #consume}) and timers ({@link #every}), and answers
   * what the leader does when this replica leads (started on this verticle's context).
   */
  protected abstract Future<Supplier<Leadership.Duty>> startWork();

  /** What the start-up log line says of this service's settings. */
  protected abstract String describe();

  /** Releases what {@link #startWork} made beyond consumers and timers; after the consumers. */
  protected Future<Void> stopWork() {
    return Future.succeededFuture();
  }

  /**
   * Consumes {@code channel}'s commands in this service's group, each handled once however often it
   * is delivered.
   */
  protected final Future<Subscription> consumeCommands(String channel, MessageHandler handler) {
    return consume(deps.messaging().consume(channel, name, processed.once(name, handler)));
  }

  /** Keeps a subscription made otherwise (requests answered, events received) to cancel on stop. */
  protected final Future<Subscription> consume(Future<Subscription> subscribed) {
    return subscribed.onSuccess(subscriptions::add);
  }

  /** Runs {@code task} every {@code period} until the verticle stops. */
  protected final void every(Duration period, Runnable task) {
    timers.add(vertx.setPeriodic(period.toMillis(), id -> task.run()));
  }

  /**
   * Gauges {@code meter} by status, counted now and every few seconds by every replica (they see
   * the same numbers).
   */
  protected final StatusGauges countStatuses(
      String meter,
      String description,
      Enum<?>[] statuses,
      Supplier<Future<Map<String, Long>>> counts) {
    StatusGauges gauges =
        new StatusGauges(deps.registry(), meter, description, StatusGauges.names(statuses));
    Runnable count = () -> counts.get().onSuccess(gauges::update);
    count.run();
    every(COUNT_EVERY, count);
    return gauges;
  }

  /**
   * A leader's duty that looks again every {@code period}: {@code reconcile} runs now and then
   * periodically, failures logged (the next round tries again), until the duty stops.
   */
  protected final Leadership.Duty reconcilingEvery(
      Duration period, Supplier<Future<?>> reconcile, Leadership.Duty alsoOnStop) {
    Runnable round = () -> reconcile.get().onFailure(WorkerVerticle::warn);
    round.run();
    long timer = vertx.setPeriodic(period.toMillis(), id -> round.run());
    return () -> {
      vertx.cancelTimer(timer);
      alsoOnStop.stop();
    };
  }

  /** Logs a failure of work that is tried again later. */
  protected static void warn(Throwable e) {
    LOG.warn("handling a cluster change: {}", e.toString());
  }

  private Leadership.Duty withPruning(Leadership.Duty duty) {
    long prune = processed.prunePeriodically(vertx, PRUNE_EVERY, ProcessedMessages.RETENTION);
    return () -> {
      vertx.cancelTimer(prune);
      duty.stop();
    };
  }

  @Override
  public final Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    timers.clear();
    return deps.leadership()
        .close()
        .eventually(this::unsubscribe)
        .eventually(this::stopWork)
        .eventually(() -> blocking == null ? Future.succeededFuture() : blocking.close())
        .eventually(() -> db == null ? Future.succeededFuture() : db.close());
  }

  private Future<Void> unsubscribe() {
    List<Future<Void>> cancelled = new ArrayList<>();
    subscriptions.forEach(s -> cancelled.add(s.cancel()));
    subscriptions.clear();
    return Future.join(cancelled).mapEmpty();
  }
}
