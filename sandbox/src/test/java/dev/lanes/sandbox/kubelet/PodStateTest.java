package dev.lanes.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import org.junit.jupiter.api.Test;

class PodStateTest {

  private static final Pod POD =
      new PodBuilder()
          .withNewMetadata()
          .withName("web-1")
          .endMetadata()
          .withNewSpec()
          .addNewContainer()
          .withName("app")
          .withImage("r/web:a")
          .endContainer()
          .endSpec()
          .build();

  private static String ready(PodStatus status) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .map(c -> c.getStatus())
        .findFirst()
        .orElseThrow();
  }

  @Test
  void anAcceptedPodIsPendingWithItsContainerBeingCreated() {
    PodStatus status = PodState.creating().status(POD, null, "2025-01-01T00:00:00Z");

    assertThat(status.getPhase()).isEqualTo("Pending");
    assertThat(status.getStartTime()).isEqualTo("2025-01-01T00:00:00Z");
    assertThat(status.getPodIP()).isNull();
    assertThat(ready(status)).isEqualTo("False");
    var container = status.getContainerStatuses().get(0);
    assertThat(container.getName()).isEqualTo("app");
    assertThat(container.getImage()).isEqualTo("r/web:a");
    assertThat(container.getState().getWaiting().getReason()).isEqualTo("ContainerCreating");
    assertThat(container.getStarted()).isFalse();
  }

  @Test
  void aReadyContainerMakesThePodReady() {
    PodStatus status = PodState.running("t0", true).status(POD, "10.244.0.9", "t0");

    assertThat(status.getPhase()).isEqualTo("Running");
    assertThat(status.getPodIP()).isEqualTo("10.244.0.9");
    assertThat(ready(status)).isEqualTo("True");
    assertThat(status.getContainerStatuses().get(0).getStarted()).isTrue();
    assertThat(status.getContainerStatuses().get(0).getState().getRunning().getStartedAt())
        .isEqualTo("t0");
  }

  @Test
  void anImagePullFailureBacksOffWithTheImageNamed() {
    var first = PodState.pullFailed("r/web:a", false).state().getWaiting();
    var then = PodState.pullFailed("r/web:a", true).state().getWaiting();

    assertThat(first.getReason()).isEqualTo("ErrImagePull");
    assertThat(first.getMessage()).contains("\"r/web:a\": not found");
    assertThat(then.getReason()).isEqualTo("ImagePullBackOff");
    assertThat(then.getMessage()).isEqualTo("Back-off pulling image \"r/web:a\"");
  }

  @Test
  void aCrashLoopKeepsTheLastTerminationAndCountsRestarts() {
    var last = PodState.terminated(Workload.Outcome.failed("panic"), "t1");

    var container = PodState.crashLooping(3, last).status(POD, "ip", "t0").getContainerStatuses();

    assertThat(container.get(0).getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(container.get(0).getRestartCount()).isEqualTo(3);
    assertThat(container.get(0).getLastState().getTerminated().getExitCode()).isEqualTo(1);
  }

  @Test
  void aPodEndsAsItsWorkloadDidUnlessTheKubeletEndedIt() {
    var ok = PodState.ended(Workload.Outcome.succeeded("sha256:1"), "t2", null);
    var failed = PodState.ended(Workload.Outcome.failed("exit status 3"), "t2", null);
    var stopped = PodState.ended(Workload.Outcome.succeeded(""), "t2", "DeadlineExceeded");

    assertThat(ok.phase()).isEqualTo("Succeeded");
    assertThat(ok.state().getTerminated().getMessage()).isEqualTo("sha256:1");
    assertThat(failed.phase()).isEqualTo("Failed");
    assertThat(failed.state().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(stopped.phase()).isEqualTo("Failed");
    assertThat(stopped.status(POD, "ip", "t0").getReason()).isEqualTo("DeadlineExceeded");
  }
}
