package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;

/**
 * Where a pod is in its life, as the kubelet reports it: the phase, its (first) container's state,
 * readiness, restarts and last state, and the pod's reason. {@link #status} turns it into the pod's
 * {@code status}. Pure.
 */
record PodState(
    String phase,
    ContainerState state,
    boolean ready,
    int restarts,
    ContainerState last,
    String reason) {

  /** Accepted by the kubelet, the container being created. */
  static PodState creating() {
    return new PodState("Pending", waiting("ContainerCreating", null), false, 0, null, null);
  }

  /** The image cannot be pulled: first {@code ErrImagePull}, then backing off. */
  static PodState pullFailed(String image, boolean backingOff) {
    return backingOff
        ? new PodState(
            "Pending",
            waiting("ImagePullBackOff", "Back-off pulling image \"" + image + "\""),
            false,
            0,
            null,
            null)
        : new PodState(
            "Pending",
            waiting(
                "ErrImagePull",
                "rpc error: code = NotFound desc = failed to pull and unpack image \""
                    + image
                    + "\": not found"),
            false,
            0,
            null,
            null);
  }

  static PodState running(String since, boolean ready) {
    return new PodState(
        "Running",
        new ContainerStateBuilder().withNewRunning().withStartedAt(since).endRunning().build(),
        ready,
        0,
        null,
        null);
  }

  /** The container exited at start ({@code last}) and waits to be started again. */
  static PodState crashLooping(int restarts, ContainerState last) {
    return new PodState(
        "Running",
        waiting("CrashLoopBackOff", "back-off restarting failed container"),
        false,
        restarts,
        last,
        null);
  }

  /** The container ended; the pod with it ({@code reason}: why the kubelet ended it, or null). */
  static PodState ended(Workload.Outcome outcome, String at, String reason) {
    return new PodState(
        outcome.isSuccess() && reason == null ? "Succeeded" : "Failed",
        terminated(outcome, at),
        false,
        0,
        null,
        reason);
  }

  static ContainerState terminated(Workload.Outcome outcome, String at) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(outcome.exitCode())
        .withReason(outcome.reason())
        .withMessage(outcome.message())
        .withFinishedAt(at)
        .endTerminated()
        .build();
  }

  private static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  /** The status of {@code pod} in this state, with its address and the time it was accepted. */
  PodStatus status(Pod pod, String ip, String startTime) {
    var container = pod.getSpec().getContainers().get(0);
    return new PodStatusBuilder()
        .withPhase(phase)
        .withReason(reason)
        .withPodIP(ip)
        .withStartTime(startTime)
        .addToConditions(
            new PodConditionBuilder()
                .withType("Ready")
                .withStatus(ready ? "True" : "False")
                .build())
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName(container.getName())
                .withImage(container.getImage())
                .withReady(ready)
                .withStarted(state.getRunning() != null)
                .withRestartCount(restarts)
                .withState(state)
                .withLastState(last)
                .build())
        .build();
  }
}
