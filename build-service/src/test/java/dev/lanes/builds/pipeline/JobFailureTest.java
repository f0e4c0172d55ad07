package dev.lanes.builds.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.domain.BuildReason;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobFailureTest {

  private static final Duration TIMEOUT = Duration.ofMinutes(30);

  private static Optional<ContainerStateTerminated> kaniko(String reason, String message) {
    return Optional.of(
        new ContainerStateTerminatedBuilder()
            .withExitCode(1)
            .withReason(reason)
            .withMessage(message)
            .build());
  }

  @Test
  void aJobPastItsDeadlineIsDeadlineExceeded() {
    JobFailure f = JobFailure.of("DeadlineExceeded", Optional.empty(), TIMEOUT);

    assertThat(f.reason()).isEqualTo(BuildReason.DEADLINE_EXCEEDED);
    assertThat(f.message()).contains("BUILD_TIMEOUT (30m)").contains("DeadlineExceeded");
  }

  @Test
  void aMissingDockerfileIsToldFromAFailingStep() {
    JobFailure missing =
        JobFailure.of(
            "BackoffLimitExceeded",
            kaniko(
                "Error",
                "INFO[0000] Retrieving build context\n"
                    + "error building image: error resolving dockerfile path: please provide a"
                    + " valid path to a Dockerfile within the build context with --dockerfile"),
            TIMEOUT);
    JobFailure step =
        JobFailure.of(
            "BackoffLimitExceeded",
            kaniko(
                "Error",
                "error building image: error building stage: failed to execute command: waiting"
                    + " for process to exit: exit status 2"),
            TIMEOUT);

    assertThat(missing.reason()).isEqualTo(BuildReason.DOCKERFILE_MISSING);
    assertThat(missing.message())
        .startsWith("Kaniko exited with code 1: error building image: error resolving dockerfile")
        .endsWith("(BackoffLimitExceeded)");
    assertThat(step.reason()).isEqualTo(BuildReason.BUILD_STEP_FAILED);
  }

  @Test
  void aRefusedCredentialAndAFailedPushHaveTheirOwnReasons() {
    assertThat(
            JobFailure.fromKaniko(
                "error building image: GET https://registry.local/v2/base/manifests/1:"
                    + " UNAUTHORIZED: authentication required"))
        .isEqualTo(BuildReason.AUTH_FAILED);
    assertThat(
            JobFailure.fromKaniko(
                "error pushing image: failed to push to destination registry.local/web:abc1234:"
                    + " Patch \"https://registry.local/v2/web/blobs/uploads/x\": EOF"))
        .isEqualTo(BuildReason.IMAGE_PUSH_FAILED);
  }

  @Test
  void anUnknownKanikoErrorOrAPodThatIsGoneIsBuildFailed() {
    assertThat(JobFailure.of(null, kaniko("Error", "something odd"), TIMEOUT).reason())
        .isEqualTo(BuildReason.BUILD_FAILED);
    JobFailure gone = JobFailure.of("BackoffLimitExceeded", Optional.empty(), TIMEOUT);
    assertThat(gone.reason()).isEqualTo(BuildReason.BUILD_FAILED);
    assertThat(gone.message()).isEqualTo("the build pod failed (BackoffLimitExceeded)");
  }

  @Test
  void aContainerKilledForItsMemoryIsOutOfMemory() {
    JobFailure f = JobFailure.of("BackoffLimitExceeded", kaniko("OOMKilled", null), TIMEOUT);

    assertThat(f.reason()).isEqualTo(BuildReason.OUT_OF_MEMORY);
    assertThat(f.message()).isEqualTo("Kaniko exited with code 1 (BackoffLimitExceeded)");
  }

  @Test
  void buildctlsFailuresAreToldApartAndNamedBuildKits() {
    JobFailure missing =
        JobFailure.of(
            "BackoffLimitExceeded",
            kaniko(
                "Error",
                "#1 DONE 0.1s\nERROR: failed to solve: failed to read dockerfile: open"
                    + " Dockerfile: no such file or directory"),
            TIMEOUT);
    JobFailure step =
        JobFailure.of(
            null,
            kaniko(
                "Error",
                "ERROR: failed to solve: process \"/bin/sh -c make\" did not complete"
                    + " successfully: exit code: 2"),
            TIMEOUT);

    assertThat(missing.reason()).isEqualTo(BuildReason.DOCKERFILE_MISSING);
    assertThat(missing.message())
        .startsWith("BuildKit exited with code 1: ERROR: failed to solve: failed to read");
    assertThat(step.reason()).isEqualTo(BuildReason.BUILD_STEP_FAILED);
  }
}
