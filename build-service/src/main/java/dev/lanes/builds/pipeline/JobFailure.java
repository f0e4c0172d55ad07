package dev.lanes.builds.pipeline;

import dev.lanes.common.domain.BuildReason;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Why a build Job failed, from what the cluster shows: the Job's {@code Failed} condition and the
 * builder container's termination. Kaniko's (or buildctl's) last line (its termination message:
 * {@code FallbackToLogsOnError} makes a failure's last log lines the message) tells a missing
 * Dockerfile from a failing step, a refused credential or a failed push. Pure: no client, no clock.
 *
 * @param message for the build's {@code message}: the exit code and the builder's last line
 */
record JobFailure(BuildReason reason, String message) {

  /**
   * @param jobReason the reason of the Job's {@code Failed} condition, e.g. {@code
   *     DeadlineExceeded}, or {@code null}
   * @param terminated the build container's termination, when its pod is still there
   * @param timeout BUILD_TIMEOUT, for the message of a build that outlasted it
   */
  static JobFailure of(
      String jobReason, Optional<ContainerStateTerminated> terminated, Duration timeout) {
    if ("DeadlineExceeded".equals(jobReason)) {
      return new JobFailure(
          BuildReason.DEADLINE_EXCEEDED,
          "the build took longer than BUILD_TIMEOUT ("
              + timeout.toMinutes()
              + "m) and was stopped (DeadlineExceeded)");
    }
    String suffix = jobReason == null ? "" : " (" + jobReason + ")";
    if (terminated.isEmpty()) {
      return new JobFailure(BuildReason.BUILD_FAILED, "the build pod failed" + suffix);
    }
    ContainerStateTerminated t = terminated.get();
    String last =
        t.getMessage() == null || t.getMessage().isBlank() ? "" : lastLine(t.getMessage());
    return new JobFailure(
        "OOMKilled".equals(t.getReason()) ? BuildReason.OUT_OF_MEMORY : fromKaniko(last),
        builder(last)
            + " exited with code "
            + t.getExitCode()
            + (last.isEmpty() ? "" : ": " + last)
            + suffix);
  }

  /** buildctl ends every failure with {@code error: failed to solve: ...}; Kaniko never does. */
  private static String builder(String lastLine) {
    return lastLine.toLowerCase(Locale.ROOT).startsWith("error: failed to solve")
        ? "BuildKit"
        : "Kaniko";
  }

  /**
   * What the builder's last words say went wrong: Kaniko's own phrases, which it has kept for
   * years, and buildctl's.
   */
  static BuildReason fromKaniko(String lastLine) {
    String line = lastLine.toLowerCase(Locale.ROOT);
    if (line.contains("error resolving dockerfile path")
        || line.contains("failed to read dockerfile")) {
      return BuildReason.DOCKERFILE_MISSING;
    }
    if (line.contains("failed to execute command")
        || line.contains("did not complete successfully")) {
      return BuildReason.BUILD_STEP_FAILED;
    }
    if (line.contains("unauthorized")
        || line.contains("authentication required")
        || line.contains("denied")) {
      return BuildReason.AUTH_FAILED;
    }
    if (line.contains("error pushing image") || line.contains("failed to push")) {
      return BuildReason.IMAGE_PUSH_FAILED;
    }
    return BuildReason.BUILD_FAILED;
  }

  private static String lastLine(String text) {
    String[] lines = text.trim().split("\n");
    return lines[lines.length - 1];
  }
}
