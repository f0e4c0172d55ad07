package dev.lanes.releases.app;

import dev.lanes.common.audit.AuditQueries;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.k8s.ContextEventHandler;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.metrics.OutcomeTimers;
import dev.lanes.common.metrics.StatusGauges;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.common.worker.WorkerDeps;
import dev.lanes.common.worker.WorkerVerticle;
import dev.lanes.releases.intake.LaneLifecycle;
import dev.lanes.releases.intake.ReleaseIntakeResponder;
import dev.lanes.releases.intake.ReleaseIntakeStore;
import dev.lanes.releases.k8s.AppSecretSpec;
import dev.lanes.releases.k8s.DeploymentSpec;
import dev.lanes.releases.k8s.ReleaseObjects;
import dev.lanes.releases.k8s.ServiceSpec;
import dev.lanes.releases.rollout.ReleaseApplier;
import dev.lanes.releases.rollout.RolloutTracker;
import dev.lanes.releases.store.ReleaseTransitions;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * release-service: applies a Deployment and Services per lane from release commands, follows
 * rollouts to {@code deployed} or {@code failed}, undeploys, and deletes lanes whose time is up.
 */
public final class ReleaseServiceVerticle extends WorkerVerticle {

  public static final String CONSUMER_GROUP = "release-service";
  private static final Logger LOG = LoggerFactory.getLogger(ReleaseServiceVerticle.class);

  /** How often the leader prunes the audit log: its retention is counted in days. */
  static final Duration AUDIT_PRUNE_EVERY = Duration.ofHours(1);

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
  private final Tuning tuning;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public ReleaseServiceVerticle(ReleaseServiceConfig config, WorkerDeps deps) {
    this(config, deps, Tuning.DEFAULT);
  }

  public ReleaseServiceVerticle(ReleaseServiceConfig config, WorkerDeps deps, Tuning tuning) {
    super(CONSUMER_GROUP, "lanes-release-io", deps);
    this.config = config;
    this.tuning = tuning;
  }

  @Override
  protected Future<Supplier<Leadership.Duty>> startWork() {
    ReleaseTransitions transitions =
        new ReleaseTransitions(
            db,
            new OutcomeTimers(
                deps.registry(),
                "lanes.release.duration",
                "From a revision's request until it is deployed or its rollout failed"));
    countStatuses(transitions);
    ReleaseObjects objects = new ReleaseObjects(deps.kube(), config.namespace(), blocking);
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
        .compose(v -> consumeCommands(Channels.RELEASE_COMMANDS, applier::handle))
        .compose(
            s ->
                consume(
                    ReleaseIntakeResponder.start(
                        deps.messaging(), new ReleaseIntakeStore(db), intakeLanes)))
        .map(s -> () -> reconcile(tracker[0], lanes, context));
  }

  @Override
  protected String describe() {
    return "namespace " + config.namespace() + ", rollout timeout " + config.timeout();
  }

  /**
   * The leader's duty: watch Deployments and pods, catch up with rollouts that moved while nobody
   * watched, look again periodically, and expire lanes.
   */
  private Leadership.Duty reconcile(RolloutTracker tracker, LaneLifecycle lanes, Context context) {
    watch(tracker, context);
    Leadership.Duty sweeping =
        reconcilingEvery(tuning.laneSweepEvery(), () -> sweep(lanes), () -> {});
    AuditQueries audit = new AuditQueries(db.client());
    Leadership.Duty pruning =
        reconcilingEvery(AUDIT_PRUNE_EVERY, () -> pruneAudit(audit), () -> {});
    return reconcilingEvery(
        tuning.reconcileEvery(),
        tracker::reconcileAll,
        () -> {
          pruning.stop();
          sweeping.stop();
          closeInformers();
        });
  }

  /** Deletes the audit log's entries older than {@code AUDIT_RETENTION}. */
  private Future<Integer> pruneAudit(AuditQueries audit) {
    return audit
        .prune(Instant.now(), config.auditRetention())
        .onSuccess(
            n -> {
              if (n > 0) {
                LOG.info("pruned {} audit entries older than {}", n, config.auditRetention());
              }
            });
  }

  private void watch(RolloutTracker tracker, Context context) {
    var deployments =
        deps.kube()
            .apps()
            .deployments()
            .inNamespace(config.namespace())
            .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
            .runnableInformer(0);
    deployments.addEventHandler(
        new ContextEventHandler<>(context, tracker::onDeployment, tracker::onDeploymentDeleted));
    var pods =
        deps.kube()
            .pods()
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

  /** Deletes lanes whose time is up, and lanes being deleted whose releases are all gone. */
  private static Future<Void> sweep(LaneLifecycle lanes) {
    return lanes
        .expire()
        .onSuccess(names -> names.forEach(n -> LOG.info("lane {} expired: deleting it", n)))
        .compose(v -> lanes.finish())
        .mapEmpty();
  }

  private void closeInformers() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }

  private void countStatuses(ReleaseTransitions transitions) {
    StatusGauges gauges =
        countStatuses(
            "lanes.releases",
            "Releases by status",
            ReleaseStatus.values(),
            transitions::countByStatus);
    Gauge.builder("lanes.rollouts.in.progress", () -> gauges.get("progressing"))
        .description("Releases whose rollout is under way")
        .register(deps.registry());
  }

  @Override
  protected Future<Void> stopWork() {
    closeInformers();
    return Future.succeededFuture();
  }
}
