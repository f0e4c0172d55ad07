package dev.lanes.builds.app;

import dev.lanes.builds.git.RefResolver;
import dev.lanes.builds.intake.BuildIntakeResponder;
import dev.lanes.builds.intake.BuildIntakeStore;
import dev.lanes.builds.k8s.BuildEgressPolicySpec;
import dev.lanes.builds.k8s.BuildJobSpec;
import dev.lanes.builds.k8s.BuildJobs;
import dev.lanes.builds.k8s.BuildKitJobSpec;
import dev.lanes.builds.k8s.BuildNetworkPolicies;
import dev.lanes.builds.k8s.BuildSecretsSpec;
import dev.lanes.builds.k8s.GitSecretSpec;
import dev.lanes.builds.k8s.RegistrySecretSpec;
import dev.lanes.builds.k8s.RepoSecrets;
import dev.lanes.builds.pipeline.BuildDispatcher;
import dev.lanes.builds.pipeline.BuildPipeline;
import dev.lanes.builds.pipeline.DesiredJobs;
import dev.lanes.builds.pipeline.JobStatusReconciler;
import dev.lanes.builds.pipeline.StaleRepoSecrets;
import dev.lanes.builds.store.BuildTransitions;
import dev.lanes.builds.store.RepoCredentials;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.domain.BuildStatus;
import dev.lanes.common.k8s.ContextEventHandler;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.metrics.OutcomeTimers;
import dev.lanes.common.metrics.StatusGauges;
import dev.lanes.common.net.GitNetworks;
import dev.lanes.common.pods.BuildPods;
import dev.lanes.common.worker.WorkerDeps;
import dev.lanes.common.worker.WorkerVerticle;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * build-service: consumes build commands, resolves refs, runs Kaniko Jobs at most {@code
 * BUILD_CONCURRENCY} at a time, and turns Job and pod status into build status.
 */
public final class BuildServiceVerticle extends WorkerVerticle {

  public static final String CONSUMER_GROUP = "build-service";

  /** How often the service looks again, and how it retries; tests make it faster. */
  public record Tuning(
      Duration dispatchEvery, Duration reconcileEvery, BuildDispatcher.Retry retry) {
    public static final Tuning DEFAULT =
        new Tuning(Duration.ofSeconds(1), Duration.ofSeconds(30), BuildDispatcher.Retry.DEFAULT);
  }

  private final BuildServiceConfig config;
  private final Tuning tuning;
  private SharedIndexInformer<Job> jobInformer;
  private SharedIndexInformer<Pod> podInformer;
  private BuildDispatcher dispatcher;

  public BuildServiceVerticle(BuildServiceConfig config, WorkerDeps deps) {
    this(config, deps, Tuning.DEFAULT);
  }

  public BuildServiceVerticle(BuildServiceConfig config, WorkerDeps deps, Tuning tuning) {
    super(CONSUMER_GROUP, "lanes-build-io", deps);
    this.config = config;
    this.tuning = tuning;
  }

  @Override
  protected Future<Supplier<Leadership.Duty>> startWork() {
    BuildTransitions transitions =
        new BuildTransitions(
            db,
            new OutcomeTimers(
                deps.registry(),
                "lanes.build.duration",
                "From a build request to its end (succeeded, failed or cancelled), ref resolution and queue included"));
    countStatuses(transitions);
    BuildJobs jobs = new BuildJobs(deps.kube(), config.namespace(), blocking);
    BuildPods pods = new BuildPods(deps.kube(), config.namespace(), blocking);
    RepoCredentials credentials =
        new RepoCredentials(
            db,
            config.secretKey() == null ? null : SecretBox.fromBase64(config.secretKey().reveal()));
    RepoSecrets repoSecrets = new RepoSecrets(deps.kube(), config.namespace(), blocking);
    DesiredJobs desired =
        new DesiredJobs(
            new BuildJobSpec(config),
            new BuildKitJobSpec(config),
            credentials,
            new GitSecretSpec(config.namespace()),
            new RegistrySecretSpec(config.namespace()),
            new BuildSecretsSpec(config.namespace()),
            repoSecrets);
    StaleRepoSecrets stale = new StaleRepoSecrets(db, repoSecrets);
    dispatcher =
        new BuildDispatcher(transitions, jobs, desired, config.concurrency(), tuning.retry());
    BuildPipeline pipeline =
        new BuildPipeline(
            new BuildPipeline.Deps(
                transitions,
                new BuildQueries(db),
                new RefResolver(
                    config.gitTimeout(), config.gitNetworks(), GitNetworks.Resolver.SYSTEM),
                credentials,
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
    BuildNetworkPolicies policies =
        new BuildNetworkPolicies(deps.kube(), config.namespace(), blocking);
    Context context = vertx.getOrCreateContext();
    return consumeCommands(Channels.BUILD_COMMANDS, pipeline::handle)
        .compose(
            s -> consume(BuildIntakeResponder.start(deps.messaging(), new BuildIntakeStore(db))))
        .map(
            s -> {
              dispatcher.kick();
              every(tuning.dispatchEvery(), dispatcher::kick);
              return () -> reconcile(jobs, reconciler, policies, stale, context);
            });
  }

  @Override
  protected String describe() {
    return "Jobs in " + config.namespace() + ", at most " + config.concurrency() + " at once";
  }

  /**
   * The leader's duty: watch Jobs and pods, catch up with what happened while nobody watched, and
   * look again periodically in case an event was missed; keep build pods' egress policy as the
   * configuration says; and delete the credential Secrets of repos whose credentials are gone.
   */
  private Leadership.Duty reconcile(
      BuildJobs jobs,
      JobStatusReconciler reconciler,
      BuildNetworkPolicies policies,
      StaleRepoSecrets stale,
      Context context) {
    watch(jobs, reconciler, context);
    BuildEgressPolicySpec egress = new BuildEgressPolicySpec(config);
    return reconcilingEvery(
        tuning.reconcileEvery(),
        // applied every round, so a policy deleted or edited by hand is put back; applying it
        // unchanged changes nothing. Configuration changes with a restart, which applies it first.
        () ->
            Future.join(policies.apply(egress.desired()), reconciler.reconcileAll(), stale.sweep()),
        this::closeInformers);
  }

  private void watch(BuildJobs jobs, JobStatusReconciler reconciler, Context context) {
    jobInformer =
        jobs.watchJobs(
            new ContextEventHandler<>(context, reconciler::onJob, reconciler::onJobDeleted));
    podInformer =
        jobs.watchPods(
            new ContextEventHandler<>(context, reconciler::onPod, pod -> Future.succeededFuture()));
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

  private void countStatuses(BuildTransitions transitions) {
    StatusGauges gauges =
        countStatuses(
            "lanes.builds", "Builds by status", BuildStatus.values(), transitions::countByStatus);
    Gauge.builder("lanes.build.queue.length", () -> gauges.get("queued"))
        .description("Builds waiting for a free build slot (BUILD_CONCURRENCY)")
        .register(deps.registry());
  }

  @Override
  protected Future<Void> stopWork() {
    if (dispatcher != null) {
      dispatcher.stop();
    }
    closeInformers();
    return Future.succeededFuture();
  }
}
