package dev.lanes.build.app;

import dev.lanes.build.git.RefResolver;
import dev.lanes.build.intake.BuildIntakeResponder;
import dev.lanes.build.intake.BuildIntakeStore;
import dev.lanes.build.internal.BuildDispatcher;
import dev.lanes.build.internal.BuildPipeline;
import dev.lanes.build.internal.JobStatusReconciler;
import dev.lanes.build.k8s.BuildJobSpec;
import dev.lanes.build.k8s.BuildJobs;
import dev.lanes.build.store.BuildTransitions;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.k8s.ContextEventHandler;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.ProcessedMessages;
import dev.lanes.common.messaging.Subscription;
import dev.lanes.common.metrics.OutcomeTimers;
import dev.lanes.common.metrics.StatusGauges;
import dev.lanes.common.pods.BuildPods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * build-service: consumes build commands, resolves refs, runs Kaniko Jobs at most {@code
 * BUILD_CONCURRENCY} at a time, and turns Job and pod status into build status.
 */
public final class BuildServiceVerticle extends VerticleBase {

  public static final String CONSUMER_GROUP = "build-service";
  private static final Duration COUNT_EVERY = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(BuildServiceVerticle.class);

  /** How often the service looks again, and how it retries; tests make it faster. */
  public record Tuning(
      Duration dispatchEvery, Duration reconcileEvery, BuildDispatcher.Retry retry) {
    public static final Tuning DEFAULT =
        new Tuning(Duration.ofSeconds(1), Duration.ofSeconds(30), BuildDispatcher.Retry.DEFAULT);
  }

  private final BuildServiceConfig config;
  private final DbConfig dbConfig;
  private final KubernetesClient kube;
  private final Messaging messaging;
  private final Tuning tuning;
  private final Leadership leadership;
  private final MeterRegistry registry;
  private long countsTimer = -1;
  private Database db;
  private ProcessedMessages processed;
  private Blocking blocking;
  private SharedIndexInformer<Job> jobInformer;
  private SharedIndexInformer<Pod> podInformer;
  private Subscription commands;
  private Subscription requests;
  private BuildDispatcher dispatcher;

  public BuildServiceVerticle(
      BuildServiceConfig config, DbConfig db, KubernetesClient kube, Messaging messaging) {
    this(config, db, kube, messaging, Tuning.DEFAULT);
  }

  public BuildServiceVerticle(
      BuildServiceConfig config,
      DbConfig db,
      KubernetesClient kube,
      Messaging messaging,
      Tuning tuning) {
    this(config, db, kube, messaging, tuning, Leadership.solo());
  }

  /**
   * @param leadership decides which replica turns Job status into build status; every replica
   *     consumes commands and dispatches builds (claims are serialised in Postgres)
   */
  public BuildServiceVerticle(
      BuildServiceConfig config,
      DbConfig db,
      KubernetesClient kube,
      Messaging messaging,
      Tuning tuning,
      Leadership leadership) {
    this(config, db, kube, messaging, tuning, leadership, new SimpleMeterRegistry());
  }

  /**
   * @param registry where the service's metrics go: the process's {@code /metrics}
   */
  public BuildServiceVerticle(
      BuildServiceConfig config,
      DbConfig db,
      KubernetesClient kube,
      Messaging messaging,
      Tuning tuning,
      Leadership leadership,
      MeterRegistry registry) {
    this.registry = registry;
    this.config = config;
    this.dbConfig = db;
    this.kube = kube;
    this.messaging = messaging;
    this.tuning = tuning;
    this.leadership = leadership;
  }

  @Override
  public Future<?> start() {
    db = Database.create(vertx, dbConfig, 4, "build-service");
    // a command redelivered (Kafka delivers at least once) is handled once
    processed = ProcessedMessages.of(db);
    blocking = new Blocking(vertx, "lanes-build-io", 8);
    BuildTransitions transitions =
        new BuildTransitions(
            db,
            new OutcomeTimers(
                registry,
                "lanes.build.duration",
                "From a build request to its end (succeeded, failed or cancelled), ref resolution and queue included"));
    countStatuses(transitions);
    BuildJobs jobs = new BuildJobs(kube, config.namespace(), blocking);
    BuildPods pods = new BuildPods(kube, config.namespace(), blocking);
    BuildDispatcher dispatcher =
        new BuildDispatcher(
            transitions, jobs, new BuildJobSpec(config), config.concurrency(), tuning.retry());
    BuildPipeline pipeline =
        new BuildPipeline(
            new BuildPipeline.Deps(
                transitions,
                new BuildQueries(db),
                new RefResolver(config.gitTimeout()),
                blocking,
                jobs,
                pods,
                dispatcher::kick,
                config.allowLocalGit()));
    JobStatusReconciler reconciler =
        new JobStatusReconciler(
            new JobStatusReconciler.Deps(
                transitions,
                jobs,
                pods,
                pipeline::resolve,
                dispatcher::kick,
                config.timeout(),
                Clock.systemUTC()));
    Context context = vertx.getOrCreateContext();
    return messaging
        .consume(
            Channels.BUILD_COMMANDS,
            CONSUMER_GROUP,
            processed.once(CONSUMER_GROUP, pipeline::handle))
        .onSuccess(s -> commands = s)
        .compose(s -> BuildIntakeResponder.start(messaging, new BuildIntakeStore(db)))
        .onSuccess(s -> requests = s)
        .onSuccess(s -> dispatchEvery(dispatcher))
        .onSuccess(s -> leadership.lead(context, () -> reconcile(jobs, reconciler, context)))
        .onSuccess(
            s ->
                LOG.info(
                    "build-service started: Jobs in {}, at most {} at once",
                    config.namespace(),
                    config.concurrency()));
  }

  /**
   * The leader's duty: watch Jobs and pods, catch up with what happened while nobody watched, and
   * look again periodically in case an event was missed.
   */
  private Leadership.Duty reconcile(
      BuildJobs jobs, JobStatusReconciler reconciler, Context context) {
    watch(jobs, reconciler, context);
    reconciler.reconcileAll().onFailure(BuildServiceVerticle::warn);
    long timer =
        vertx.setPeriodic(
            tuning.reconcileEvery().toMillis(),
            id -> reconciler.reconcileAll().onFailure(BuildServiceVerticle::warn));
    long prune =
        processed.prunePeriodically(vertx, Duration.ofHours(1), ProcessedMessages.RETENTION);
    return () -> {
      vertx.cancelTimer(timer);
      vertx.cancelTimer(prune);
      closeInformers();
    };
  }

  private void watch(BuildJobs jobs, JobStatusReconciler reconciler, Context context) {
    jobInformer =
        jobs.watchJobs(
            new ContextEventHandler<>(context, reconciler::onJob, reconciler::onJobDeleted));
    podInformer =
        jobs.watchPods(
            new ContextEventHandler<>(context, reconciler::onPod, pod -> Future.succeededFuture()));
  }

  private static void warn(Throwable e) {
    LOG.warn("handling a cluster change: {}", e.toString());
  }

  private void dispatchEvery(BuildDispatcher dispatcher) {
    this.dispatcher = dispatcher;
    dispatcher.kick();
    vertx.setPeriodic(tuning.dispatchEvery().toMillis(), id -> dispatcher.kick());
  }

  private void closeInformers() {
    if (jobInformer != null) {
      jobInformer.close();
      jobInformer = null;
    }
    if (podInformer != null) {
      podInformer.close();
      podInformer = null;
    }
  }

  /**
   * Keeps the status gauges current: every replica counts (the same numbers), every {@link
   * #COUNT_EVERY}.
   */
  private void countStatuses(BuildTransitions transitions) {
    StatusGauges gauges =
        new StatusGauges(
            registry,
            "lanes.builds",
            "Builds by status",
            StatusGauges.names(dev.lanes.common.domain.BuildStatus.values()));
    Gauge.builder("lanes.build.queue.length", () -> gauges.get("queued"))
        .description("Builds waiting for a free build slot (BUILD_CONCURRENCY)")
        .register(registry);
    transitions.countByStatus().onSuccess(gauges::update);
    countsTimer =
        vertx.setPeriodic(
            COUNT_EVERY.toMillis(), id -> transitions.countByStatus().onSuccess(gauges::update));
  }

  @Override
  public Future<?> stop() {
    if (countsTimer >= 0) {
      vertx.cancelTimer(countsTimer);
    }
    if (dispatcher != null) {
      dispatcher.stop();
    }
    Future<Void> unsubscribed =
        Future.all(
                commands == null ? Future.succeededFuture() : commands.cancel(),
                requests == null ? Future.succeededFuture() : requests.cancel())
            .mapEmpty();
    return leadership
        .close()
        .eventually(() -> unsubscribed)
        .eventually(
            () -> {
              closeInformers();
              return blocking == null ? Future.succeededFuture() : blocking.close();
            })
        .eventually(() -> db == null ? Future.succeededFuture() : db.close());
  }
}
