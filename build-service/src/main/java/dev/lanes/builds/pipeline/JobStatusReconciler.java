package dev.lanes.builds.pipeline;

import dev.lanes.builds.k8s.BuildJobs;
import dev.lanes.builds.store.BuildTransitions;
import dev.lanes.common.builds.BuildLog;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.BuildStatus;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.pods.BuildPods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what the cluster shows into build statuses: a running pod makes a build {@code running}, a
 * complete Job {@code succeeded} (with the digest the pod reported), a failed Job {@code failed}
 * (with why), a Job deleted under a build {@code failed}. The log is saved as the build ends. On
 * start-up and periodically it checks every build that has not ended, so a build that finished
 * while the service was down does not stay {@code running}.
 */
public final class JobStatusReconciler {

  private static final Logger LOG = LoggerFactory.getLogger(JobStatusReconciler.class);

  /** How long a claimed build may lack its Job before the Job counts as lost. */
  private static final Duration JOB_GRACE = Duration.ofSeconds(30);

  private final BuildTransitions transitions;
  private final BuildJobs jobs;
  private final BuildPods pods;
  private final Function<UUID, Future<Void>> resolvePending;
  private final Runnable slotFreed;
  private final Duration timeout;
  private final Clock clock;

  /** What the reconciler works with. */
  public record Deps(
      BuildTransitions transitions,
      BuildJobs jobs,
      BuildPods pods,
      Function<UUID, Future<Void>> resolvePending,
      Runnable slotFreed,
      Duration timeout,
      Clock clock) {}

  public JobStatusReconciler(Deps deps) {
    this.transitions = deps.transitions();
    this.jobs = deps.jobs();
    this.pods = deps.pods();
    this.resolvePending = deps.resolvePending();
    this.slotFreed = deps.slotFreed();
    this.timeout = deps.timeout();
    this.clock = deps.clock();
  }

  /** A Job was added or changed. */
  public Future<Void> onJob(Job job) {
    UUID id = buildId(job.getMetadata().getLabels());
    if (id == null) {
      return Future.succeededFuture();
    }
    Optional<JobCondition> end = finished(job);
    if (end.isEmpty()) {
      return Future.succeededFuture();
    }
    return "Complete".equals(end.get().getType())
            || "SuccessCriteriaMet".equals(end.get().getType())
        ? succeeded(id)
        : failed(id, end.get().getReason());
  }

  /** A build pod was added or changed: a started container makes the build running. */
  public Future<Void> onPod(Pod pod) {
    UUID id = buildId(pod.getMetadata().getLabels());
    var status = pod.getStatus();
    if (id == null || status == null || status.getContainerStatuses() == null) {
      return Future.succeededFuture();
    }
    Instant started = null;
    for (var c : status.getContainerStatuses()) {
      if (c.getState() != null && c.getState().getRunning() != null) {
        started = instant(c.getState().getRunning().getStartedAt());
      } else if (c.getState() != null && c.getState().getTerminated() != null) {
        started = instant(c.getState().getTerminated().getStartedAt());
      }
    }
    if (started == null && !"Running".equals(status.getPhase())) {
      return Future.succeededFuture();
    }
    return transitions.running(id, started == null ? clock.instant() : started).mapEmpty();
  }

  /** A Job was deleted: a build still waiting for it fails. */
  public Future<Void> onJobDeleted(Job job) {
    UUID id = buildId(job.getMetadata().getLabels());
    return id == null ? Future.succeededFuture() : jobGone(id, job.getMetadata().getName());
  }

  private Future<Void> jobGone(UUID id, String jobName) {
    return transitions
        .fail(
            id,
            BuildReason.JOB_DELETED,
            "the build Job " + jobName + " was deleted before the build finished",
            null)
        .onSuccess(b -> b.ifPresent(x -> slotFreed.run()))
        .mapEmpty();
  }

  /** Checks every build that has not ended against the cluster. */
  public Future<Void> reconcileAll() {
    return transitions
        .open()
        .compose(
            open -> {
              List<Future<Void>> checks = new ArrayList<>();
              open.forEach(
                  o ->
                      checks.add(
                          reconcile(o)
                              .recover(
                                  e -> {
                                    LOG.warn(
                                        "reconciling build {}: {}", o.build().id(), e.toString());
                                    return Future.succeededFuture();
                                  })));
              return Future.join(checks).mapEmpty();
            });
  }

  private Future<Void> reconcile(BuildTransitions.Open open) {
    Build build = open.build();
    Instant now = clock.instant();
    if (build.status() == BuildStatus.PENDING) {
      // its command may have been lost with a crash: resolving twice is harmless
      return build.createdAt().isBefore(now.minusSeconds(10))
          ? resolvePending.apply(build.id())
          : Future.succeededFuture();
    }
    if (build.jobName() == null) {
      return Future.succeededFuture(); // queued: the dispatcher's
    }
    return jobs.get(build.jobName())
        .compose(
            job -> {
              if (job.isPresent()) {
                return onJob(job.get()).compose(v -> podStarted(build));
              }
              boolean lost =
                  open.dispatchedAt() == null || open.dispatchedAt().isBefore(now.minus(JOB_GRACE));
              return lost ? jobGone(build.id(), build.jobName()) : Future.succeededFuture();
            });
  }

  private Future<Void> podStarted(Build build) {
    if (build.status() != BuildStatus.QUEUED) {
      return Future.succeededFuture();
    }
    return pods.pod(build.id())
        .compose(
            pod ->
                pod.filter(BuildPods.PodState::started)
                    .map(p -> transitions.running(build.id(), clock.instant()).<Void>mapEmpty())
                    .orElse(Future.succeededFuture()));
  }

  private Future<Void> succeeded(UUID id) {
    return pods.pod(id)
        .compose(
            pod ->
                logOf(pod)
                    .compose(
                        log ->
                            transitions.succeed(
                                id,
                                pod.map(BuildPods.PodState::terminated)
                                    .map(t -> t.getMessage() == null ? null : t.getMessage().trim())
                                    .filter(m -> m.startsWith("sha256:"))
                                    .orElse(null),
                                log)))
        .onSuccess(b -> b.ifPresent(x -> slotFreed.run()))
        .mapEmpty();
  }

  private Future<Void> failed(UUID id, String jobReason) {
    return pods.pod(id)
        .compose(
            pod ->
                logOf(pod)
                    .compose(
                        log -> {
                          JobFailure why =
                              JobFailure.of(
                                  jobReason, pod.map(BuildPods.PodState::terminated), timeout);
                          return transitions.fail(id, why.reason(), why.message(), log);
                        }))
        .onSuccess(b -> b.ifPresent(x -> slotFreed.run()))
        .mapEmpty();
  }

  private Future<BuildLog> logOf(Optional<BuildPods.PodState> pod) {
    if (pod.isEmpty()) {
      return Future.succeededFuture(null);
    }
    return pods.fullLog(pod.get().name())
        .map(text -> text.map(BuildLog::keepTail).orElse(null))
        .recover(
            e -> {
              LOG.warn("cannot read the log of pod {}: {}", pod.get().name(), e.toString());
              return Future.succeededFuture(null);
            });
  }

  private static Optional<JobCondition> finished(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .filter(
            c ->
                List.of("Complete", "Failed", "SuccessCriteriaMet", "FailureTarget")
                    .contains(c.getType()))
        .findFirst();
  }

  private static UUID buildId(java.util.Map<String, String> labels) {
    String id = labels == null ? null : labels.get(LaneLabels.BUILD_ID);
    try {
      return id == null ? null : UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Instant instant(String time) {
    try {
      return time == null ? null : Instant.parse(time);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
