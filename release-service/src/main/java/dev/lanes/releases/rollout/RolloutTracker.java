package dev.lanes.releases.rollout;

import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseReason;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.releases.k8s.DeploymentSpec;
import dev.lanes.releases.k8s.ReleaseObjects;
import dev.lanes.releases.store.ReleaseTransitions;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows rollouts: a release is {@code deployed} once its Deployment's controller has seen the
 * revision and every replica is updated and available; it is {@code failed} when the rollout passes
 * its progress deadline, when a pod of the new ReplicaSet is stuck ({@code CrashLoopBackOff},
 * {@code ImagePullBackOff}, ...), or when its Deployment is deleted under it. At start-up and
 * periodically it checks every release that has not settled, so a rollout that ended while the
 * service was down still gets its outcome.
 */
public final class RolloutTracker {

  private static final Logger LOG = LoggerFactory.getLogger(RolloutTracker.class);

  /** The waiting reasons of a container that will not get better by itself, and what each means. */
  static final Map<String, ReleaseReason> STUCK =
      Map.of(
          "CrashLoopBackOff", ReleaseReason.CRASH_LOOP,
          "ImagePullBackOff", ReleaseReason.IMAGE_PULL_FAILED,
          "ErrImagePull", ReleaseReason.IMAGE_PULL_FAILED,
          "InvalidImageName", ReleaseReason.IMAGE_PULL_FAILED,
          "CreateContainerConfigError", ReleaseReason.CONTAINER_CONFIG_INVALID,
          "CreateContainerError", ReleaseReason.CONTAINER_START_FAILED,
          "RunContainerError", ReleaseReason.CONTAINER_START_FAILED);

  /** How long a pending or deleting release may wait before its command counts as lost. */
  private static final Duration RETRY_AFTER = Duration.ofSeconds(10);

  /** Slack over the progress deadline before the tracker decides by itself. */
  private static final Duration GRACE = Duration.ofSeconds(30);

  /** What the tracker works with. */
  public record Deps(
      ReleaseTransitions transitions,
      ReleaseObjects objects,
      BiFunction<UUID, Integer, Future<Void>> reapply,
      Function<UUID, Future<Void>> undeploy,
      Duration timeout,
      Clock clock) {}

  private final Deps d;

  public RolloutTracker(Deps deps) {
    this.d = deps;
  }

  /**
   * A Deployment changed: its release may be deployed, or failed; one whose spec someone else
   * changed (its generation is past the one Lanes applied) gets the release's spec back.
   */
  public Future<Void> onDeployment(Deployment dep) {
    Optional<Ref> ref = ref(dep);
    if (ref.isEmpty()) {
      return Future.succeededFuture();
    }
    if (editedOutsideLanes(dep)) {
      return writeAgain(ref.get(), "the Deployment " + dep.getMetadata().getName() + " was edited");
    }
    return evaluate(ref.get(), dep);
  }

  private static boolean editedOutsideLanes(Deployment dep) {
    String applied =
        dep.getMetadata().getLabels() == null
            ? null
            : dep.getMetadata().getLabels().get(ReleaseObjects.APPLIED_GENERATION);
    Long generation = dep.getMetadata().getGeneration();
    try {
      return applied != null && generation != null && generation > Long.parseLong(applied);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Writes the release's objects again when it should be running (deployed or progressing, at the
   * revision the Deployment carried): what Lanes owns comes back, as Argo CD's self-heal does. A
   * release being deleted, or replaced by a newer revision, is left alone.
   */
  private Future<Void> writeAgain(Ref ref, String what) {
    return d.transitions()
        .get(ref.id())
        .compose(
            r -> {
              if (r.isEmpty()
                  || r.get().revision() != ref.revision()
                  || !(r.get().status() == ReleaseStatus.DEPLOYED
                      || r.get().status() == ReleaseStatus.PROGRESSING)) {
                return Future.succeededFuture();
              }
              LOG.warn(
                  "{} outside Lanes: writing release {} of {} in {} (revision {}) again",
                  what,
                  ref.id(),
                  r.get().app(),
                  r.get().lane(),
                  ref.revision());
              return d.reapply().apply(ref.id(), ref.revision());
            });
  }

  /** Decides what {@code dep} says about the revision it carries. */
  private Future<Void> evaluate(Ref ref, Deployment dep) {
    return switch (rollout(dep)) {
      case COMPLETE -> d.transitions().deployed(ref.id(), ref.revision()).mapEmpty();
      case STALLED ->
          d.transitions()
              .failed(
                  ref.id(),
                  ref.revision(),
                  ReleaseReason.PROGRESS_DEADLINE_EXCEEDED,
                  "the rollout did not finish within RELEASE_TIMEOUT ("
                      + minutes(d.timeout())
                      + "): ProgressDeadlineExceeded"
                      + stalledBecause(dep).map(m -> ": " + m).orElse(""),
                  false)
              .mapEmpty();
      case UNDER_WAY -> Future.succeededFuture();
    };
  }

  /** Where a Deployment's rollout is, by what its controller reported. */
  enum Rollout {
    /** The controller has seen the current spec, and every replica is updated and available. */
    COMPLETE,
    /** The controller gave up: {@code Progressing=False}, {@code ProgressDeadlineExceeded}. */
    STALLED,
    UNDER_WAY
  }

  /** The Deployment controller's own words on a stalled rollout (its Progressing condition). */
  private static Optional<String> stalledBecause(Deployment dep) {
    return dep.getStatus().getConditions().stream()
        .filter(c -> "Progressing".equals(c.getType()) && c.getMessage() != null)
        .map(io.fabric8.kubernetes.api.model.apps.DeploymentCondition::getMessage)
        .findFirst();
  }

  static Rollout rollout(Deployment dep) {
    DeploymentStatus s = dep.getStatus();
    int want = dep.getSpec().getReplicas() == null ? 1 : dep.getSpec().getReplicas();
    if (s == null) {
      return Rollout.UNDER_WAY;
    }
    boolean stalled =
        s.getConditions() != null
            && s.getConditions().stream()
                .anyMatch(
                    c ->
                        "Progressing".equals(c.getType())
                            && "False".equals(c.getStatus())
                            && "ProgressDeadlineExceeded".equals(c.getReason()));
    if (stalled) {
      return Rollout.STALLED;
    }
    // a metadata-only change (a new revision of the same pod template) does not bump the
    // generation, so the status the controller wrote for it still describes the pods that run
    boolean observed =
        s.getObservedGeneration() != null
            && dep.getMetadata().getGeneration() != null
            && s.getObservedGeneration() >= dep.getMetadata().getGeneration();
    return observed
            && value(s.getUpdatedReplicas()) == want
            && value(s.getAvailableReplicas()) == want
            && value(s.getReplicas()) == want
        ? Rollout.COMPLETE
        : Rollout.UNDER_WAY;
  }

  /** A pod changed: a pod of the newest ReplicaSet that is stuck fails its release. */
  public Future<Void> onPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null || !LaneLabels.isManaged(labels) || labels.get(LaneLabels.LANE) == null) {
      return Future.succeededFuture();
    }
    Optional<Stuck> stuck = stuck(pod);
    if (stuck.isEmpty()) {
      return Future.succeededFuture();
    }
    String app = labels.get(LaneLabels.APP);
    String lane = labels.get(LaneLabels.LANE);
    String podHash = labels.get("pod-template-hash");
    return d.objects()
        .newestTemplateHash(app, lane)
        .compose(
            newest ->
                newest.isPresent() && podHash != null && !newest.get().equals(podHash)
                    ? Future.<Deployment>succeededFuture(null) // an old pod, on its way out
                    : d.objects().get(Deployment.class, LaneNames.laneObject(app, lane)))
        .compose(
            dep -> {
              Optional<Ref> ref =
                  dep == null || !runsCurrentTemplate(pod, dep) ? Optional.empty() : ref(dep);
              if (ref.isEmpty()) {
                return Future.succeededFuture();
              }
              return d.transitions()
                  .failed(
                      ref.get().id(),
                      ref.get().revision(),
                      stuck.get().reason(),
                      "pod " + pod.getMetadata().getName() + ": " + stuck.get().why(),
                      false)
                  .mapEmpty();
            });
  }

  /**
   * Whether the pod runs what the Deployment's template says now (image and env of the app
   * container). A stuck pod of an earlier revision says nothing about the current one, also in the
   * moment before the controller made the current revision's ReplicaSet.
   */
  static boolean runsCurrentTemplate(Pod pod, Deployment dep) {
    var want = container(dep.getSpec().getTemplate().getSpec().getContainers());
    var have = container(pod.getSpec() == null ? null : pod.getSpec().getContainers());
    return want != null
        && have != null
        && java.util.Objects.equals(want.getImage(), have.getImage())
        && java.util.Objects.equals(env(want), env(have));
  }

  private static io.fabric8.kubernetes.api.model.Container container(
      List<io.fabric8.kubernetes.api.model.Container> containers) {
    if (containers == null) {
      return null;
    }
    return containers.stream()
        .filter(c -> DeploymentSpec.CONTAINER.equals(c.getName()))
        .findFirst()
        .orElse(null);
  }

  private static List<io.fabric8.kubernetes.api.model.EnvVar> env(
      io.fabric8.kubernetes.api.model.Container c) {
    return c.getEnv() == null ? List.of() : c.getEnv();
  }

  /** Looks at the release's Deployment now, right after its revision was applied. */
  public Future<Void> check(Release r) {
    return d.objects()
        .get(Deployment.class, LaneNames.laneObject(r.app(), r.lane()))
        .compose(dep -> dep == null ? Future.succeededFuture() : onDeployment(dep));
  }

  /** A Deployment was deleted: a release that should still run writes it again. */
  public Future<Void> onDeploymentDeleted(Deployment dep) {
    Optional<Ref> ref = ref(dep);
    if (ref.isEmpty()) {
      return Future.succeededFuture();
    }
    return writeAgain(ref.get(), "the Deployment " + dep.getMetadata().getName() + " was deleted");
  }

  /** Checks every release that has not settled against the cluster. */
  public Future<Void> reconcileAll() {
    return d.transitions()
        .open()
        .compose(
            open -> {
              List<Future<Void>> checks = new ArrayList<>();
              for (ReleaseTransitions.Open o : open) {
                checks.add(
                    reconcile(o)
                        .recover(
                            e -> {
                              LOG.warn(
                                  "reconciling release {}: {}", o.release().id(), e.toString());
                              return Future.succeededFuture();
                            }));
              }
              return Future.join(checks).mapEmpty();
            });
  }

  private Future<Void> reconcile(ReleaseTransitions.Open o) {
    Release r = o.release();
    Instant now = d.clock().instant();
    Duration waited = Duration.between(o.since(), now);
    if (r.status() == ReleaseStatus.DELETING) {
      return waited.compareTo(RETRY_AFTER) > 0
          ? d.undeploy().apply(r.id())
          : Future.succeededFuture();
    }
    boolean late = waited.compareTo(d.timeout().plus(GRACE)) > 0;
    if (r.status() == ReleaseStatus.PENDING) {
      if (late) {
        return d.transitions()
            .failed(
                r.id(),
                r.revision(),
                ReleaseReason.DEADLINE_EXCEEDED,
                "the release could not be applied within RELEASE_TIMEOUT ("
                    + minutes(d.timeout())
                    + "); is the Kubernetes API reachable?",
                false)
            .mapEmpty();
      }
      return waited.compareTo(RETRY_AFTER) > 0
          ? d.reapply().apply(r.id(), r.revision())
          : Future.succeededFuture();
    }
    return d.objects()
        .get(Deployment.class, LaneNames.laneObject(r.app(), r.lane()))
        .compose(dep -> reconcileProgressing(r, dep, late));
  }

  /**
   * A progressing release is decided by its Deployment first: one whose pods are all ready is
   * deployed even past the timeout, and only a rollout still under way then fails.
   */
  private Future<Void> reconcileProgressing(Release r, Deployment dep, boolean late) {
    if (dep == null) {
      return d.transitions()
          .failed(
              r.id(),
              r.revision(),
              ReleaseReason.DEPLOYMENT_MISSING,
              "the Deployment "
                  + LaneNames.laneObject(r.app(), r.lane())
                  + " is missing; release again to restore it",
              false)
          .mapEmpty();
    }
    Optional<Ref> ref = ref(dep);
    if (ref.isPresent() && rollout(dep) != Rollout.UNDER_WAY) {
      return evaluate(ref.get(), dep);
    }
    if (!late) {
      return Future.succeededFuture();
    }
    return d.transitions()
        .failed(
            r.id(),
            r.revision(),
            ReleaseReason.DEADLINE_EXCEEDED,
            "the rollout did not finish within RELEASE_TIMEOUT (" + minutes(d.timeout()) + ")",
            false)
        .mapEmpty();
  }

  /** A stuck container: what it means, and in words what its status shows. */
  private record Stuck(ReleaseReason reason, String why) {}

  private static Optional<Stuck> stuck(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    for (ContainerStatus c : pod.getStatus().getContainerStatuses()) {
      var waiting = c.getState() == null ? null : c.getState().getWaiting();
      if (waiting != null && STUCK.containsKey(waiting.getReason())) {
        StringBuilder why = new StringBuilder(waiting.getReason());
        if (c.getRestartCount() != null && c.getRestartCount() > 0) {
          why.append(" (restarted ").append(c.getRestartCount()).append(" times)");
        }
        var last = c.getLastState() == null ? null : c.getLastState().getTerminated();
        if (last != null) {
          why.append(": exit code ").append(last.getExitCode());
          if (last.getMessage() != null && !last.getMessage().isBlank()) {
            why.append(", ").append(last.getMessage().trim());
          }
        } else if (waiting.getMessage() != null) {
          why.append(": ").append(waiting.getMessage());
        }
        return Optional.of(new Stuck(STUCK.get(waiting.getReason()), why.toString()));
      }
    }
    return Optional.empty();
  }

  /** The release and revision a Deployment was written for. */
  private record Ref(UUID id, int revision) {}

  private static Optional<Ref> ref(Deployment dep) {
    Map<String, String> a = dep.getMetadata().getAnnotations();
    if (a == null || !LaneLabels.isManaged(dep.getMetadata().getLabels())) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Ref(
              UUID.fromString(a.get(DeploymentSpec.RELEASE_ID)),
              Integer.parseInt(a.get(DeploymentSpec.REVISION))));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static int value(Integer i) {
    return i == null ? 0 : i;
  }

  private static String minutes(Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
  }
}
