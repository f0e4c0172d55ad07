package dev.lanes.release.app;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.k8s.ContextEventHandler;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.ProcessedMessages;
import dev.lanes.common.messaging.Subscription;
import dev.lanes.common.metrics.OutcomeTimers;
import dev.lanes.common.metrics.StatusGauges;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.release.intake.LaneLifecycle;
import dev.lanes.release.intake.ReleaseIntakeResponder;
import dev.lanes.release.intake.ReleaseIntakeStore;
import dev.lanes.release.internal.ReleaseApplier;
import dev.lanes.release.internal.RolloutTracker;
import dev.lanes.release.k8s.AppSecretSpec;
import dev.lanes.release.k8s.DeploymentSpec;
import dev.lanes.release.k8s.ReleaseObjects;
import dev.lanes.release.k8s.ServiceSpec;
import dev.lanes.release.store.ReleaseTransitions;
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
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * release-service: applies a Deployment and Services per lane from release commands, follows
 * rollouts to {@code deployed} or {@code failed}, undeploys, and deletes lanes whose time is up.
 */
public final class ReleaseServiceVerticle extends VerticleBase {

  public static final String CONSUMER_GROUP = "release-service";
  private static final Duration COUNT_EVERY = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseServiceVerticle.class);

  /** How often the service looks again; tests make it faster. */
  public record Tuning(Duration reconcileEvery, Duration laneSweepEvery, boolean reapplyOnStart) {
    public static final Tuning DEFAULT =
        new Tuning(Duration.ofSeconds(30), Duration.ofSeconds(30), false);

    /** For a cluster that forgets its objects when the process stops: the sandbox. */
    public Tuning reapplyingOnStart() {
      return new Tuning(reconcileEvery, laneSweepEvery, true);
    }
  }

  private final ReleaseServiceConfig config;
  private final DbConfig dbConfig;
  private final KubernetesClient kube;
  private final Messaging messaging;
  private final Tuning tuning;
  private final Leadership leadership;
  private final MeterRegistry registry;
  private long countsTimer = -1;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private Database db;
  private ProcessedMessages processed;
  private Blocking blocking;
  private Subscription commands;
  private Subscription requests;

  public ReleaseServiceVerticle(
      ReleaseServiceConfig config, DbConfig db, KubernetesClient kube, Messaging messaging) {
    this(config, db, kube, messaging, Tuning.DEFAULT);
  }

  public ReleaseServiceVerticle(
      ReleaseServiceConfig config,
      DbConfig db,
      KubernetesClient kube,
      Messaging messaging,
      Tuning tuning) {
    this(config, db, kube, messaging, tuning, Leadership.solo());
  }

  /**
   * @param leadership decides which replica follows rollouts and expires lanes; every replica
   *     consumes release commands
   */
  public ReleaseServiceVerticle(
      ReleaseServiceConfig config,
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
  public ReleaseServiceVerticle(
      ReleaseServiceConfig config,
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
    db = Database.create(vertx, dbConfig, 4, "release-service");
    // a command redelivered (Kafka delivers at least once) is handled once
    processed = ProcessedMessages.of(db);
    blocking = new Blocking(vertx, "lanes-release-io", 8);
    ReleaseTransitions transitions =
        new ReleaseTransitions(
            db,
            new OutcomeTimers(
                registry,
                "lanes.release.duration",
                "From a revision's request until it is deployed or its rollout failed"));
    countStatuses(transitions);
    ReleaseObjects objects = new ReleaseObjects(kube, config.namespace(), blocking);
    LaneLifecycle lanes = new LaneLifecycle(db, ReleaseMessages.RELEASE_SERVICE);
    // what the API asks for is recorded as from the API, as when the gateway wrote it itself
    LaneLifecycle intakeLanes = new LaneLifecycle(db, ReleaseMessages.GATEWAY);
    RolloutTracker[] tracker = new RolloutTracker[1];
    ReleaseApplier applier =
        new ReleaseApplier(
            new ReleaseApplier.Deps(
                transitions,
                objects,
                new DeploymentSpec(config.namespace(), config.timeout()),
                new ServiceSpec(config.namespace()),
                new AppSecretSpec(config.namespace()),
                SecretBox.fromBase64(config.secretKey().reveal()),
                lanes,
                release -> tracker[0].check(release)));
    tracker[0] =
        new RolloutTracker(
            new RolloutTracker.Deps(
                transitions,
                objects,
                applier::apply,
                applier::undeploy,
                config.timeout(),
                Clock.systemUTC()));
    Context context = vertx.getOrCreateContext();
    Future<Void> reapplied =
        tuning.reapplyOnStart() ? applier.reapplyAll() : Future.succeededFuture();
    return reapplied
        .compose(
            v ->
                messaging.consume(
                    Channels.RELEASE_COMMANDS,
                    CONSUMER_GROUP,
                    processed.once(CONSUMER_GROUP, applier::handle)))
        .onSuccess(s -> commands = s)
        .compose(
            s -> ReleaseIntakeResponder.start(messaging, new ReleaseIntakeStore(db), intakeLanes))
        .onSuccess(s -> requests = s)
        .onSuccess(s -> leadership.lead(context, () -> reconcile(tracker[0], lanes, context)))
        .onSuccess(
            s ->
                LOG.info(
                    "release-service started: namespace {}, rollout timeout {}",
                    config.namespace(),
                    config.timeout()));
  }

  /**
   * The leader's duty: watch Deployments and pods, catch up with rollouts that moved while nobody
   * watched, look again periodically, and expire lanes.
   */
  private Leadership.Duty reconcile(RolloutTracker tracker, LaneLifecycle lanes, Context context) {
    watch(tracker, context);
    tracker.reconcileAll().onFailure(ReleaseServiceVerticle::warn);
    long reconcile =
        vertx.setPeriodic(
            tuning.reconcileEvery().toMillis(),
            id -> tracker.reconcileAll().onFailure(ReleaseServiceVerticle::warn));
    sweep(lanes);
    long sweep = vertx.setPeriodic(tuning.laneSweepEvery().toMillis(), id -> sweep(lanes));
    long prune =
        processed.prunePeriodically(vertx, Duration.ofHours(1), ProcessedMessages.RETENTION);
    return () -> {
      vertx.cancelTimer(reconcile);
      vertx.cancelTimer(sweep);
      vertx.cancelTimer(prune);
      informers.forEach(SharedIndexInformer::close);
      informers.clear();
    };
  }

  private void watch(RolloutTracker tracker, Context context) {
    var deployments =
        kube.apps()
            .deployments()
            .inNamespace(config.namespace())
            .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
            .runnableInformer(0);
    deployments.addEventHandler(
        new ContextEventHandler<>(context, tracker::onDeployment, tracker::onDeploymentDeleted));
    var pods =
        kube.pods()
            .inNamespace(config.namespace())
            .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
            .runnableInformer(0);
    pods.addEventHandler(
        new ContextEventHandler<>(context, tracker::onPod, pod -> Future.succeededFuture()));
    informers.add(deployments);
    informers.add(pods);
    deployments.start();
    pods.start();
  }

  private static void warn(Throwable e) {
    LOG.warn("handling a cluster change: {}", e.toString());
  }

  /** Deletes lanes whose time is up, and lanes being deleted whose releases are all gone. */
  private void sweep(LaneLifecycle lanes) {
    lanes
        .expire()
        .onSuccess(names -> names.forEach(n -> LOG.info("lane {} expired: deleting it", n)))
        .compose(v -> lanes.finish())
        .onFailure(ReleaseServiceVerticle::warn);
  }

  /**
   * Keeps the status gauges current: every replica counts (the same numbers), every {@link
   * #COUNT_EVERY}.
   */
  private void countStatuses(ReleaseTransitions transitions) {
    StatusGauges gauges =
        new StatusGauges(
            registry,
            "lanes.releases",
            "Releases by status",
            StatusGauges.names(dev.lanes.common.domain.ReleaseStatus.values()));
    Gauge.builder("lanes.rollouts.in.progress", () -> gauges.get("progressing"))
        .description("Releases whose rollout is under way")
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
              informers.forEach(SharedIndexInformer::close);
              return blocking == null ? Future.succeededFuture() : blocking.close();
            })
        .eventually(() -> db == null ? Future.succeededFuture() : db.close());
  }
}
