package dev.lanes.common.pods;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.k8s.LaneLabels;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads the pods of builds: their state and their logs, through the Kubernetes API. Used by
 * build-service to learn how a build ended and save its log, and by the gateway to stream a log
 * while the build runs. Every call runs on {@link Blocking}.
 */
public final class BuildPods {

  /** What the pod of a build shows. {@code terminated} is set once its container ended. */
  public record PodState(
      String name, String phase, boolean started, ContainerStateTerminated terminated) {
    public boolean isFinished() {
      return terminated != null || "Succeeded".equals(phase) || "Failed".equals(phase);
    }
  }

  /** One log line with the time the container wrote it. */
  public record Line(Instant time, String text) {}

  private final KubernetesClient client;
  private final String namespace;
  private final Blocking blocking;

  public BuildPods(KubernetesClient client, String namespace, Blocking blocking) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  /** The newest pod of the build, if it has one. */
  public Future<Optional<PodState>> pod(UUID buildId) {
    return blocking.run(
        () ->
            client
                .pods()
                .inNamespace(namespace)
                .withLabel(LaneLabels.BUILD_ID, buildId.toString())
                .list()
                .getItems()
                .stream()
                .max(
                    Comparator.comparing(
                        p ->
                            p.getMetadata().getCreationTimestamp() == null
                                ? ""
                                : p.getMetadata().getCreationTimestamp()))
                .map(BuildPods::state));
  }

  static PodState state(Pod pod) {
    List<ContainerStatus> statuses =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? List.of()
            : pod.getStatus().getContainerStatuses();
    ContainerStatus status = statuses.isEmpty() ? null : statuses.get(0);
    boolean started =
        status != null
            && status.getState() != null
            && (status.getState().getRunning() != null
                || status.getState().getTerminated() != null);
    return new PodState(
        pod.getMetadata().getName(),
        pod.getStatus() == null ? null : pod.getStatus().getPhase(),
        started,
        status == null || status.getState() == null ? null : status.getState().getTerminated());
  }

  /**
   * The lines written at or after {@code since} ({@code null}: all). Empty when the container has
   * not started or the pod is gone.
   */
  public Future<List<Line>> linesSince(String pod, Instant since) {
    return blocking.run(
        () -> {
          var log = client.pods().inNamespace(namespace).withName(pod).withReadyWaitTimeout(0);
          String text;
          try {
            text =
                since == null
                    ? log.usingTimestamps().getLog()
                    : log.usingTimestamps()
                        .sinceTime(
                            since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                        .getLog();
          } catch (KubernetesClientException e) {
            if (e.getCode() == 400 || e.getCode() == 404) {
              return List.<Line>of();
            }
            throw e;
          }
          return parse(text);
        });
  }

  /** The whole log of the pod, or empty when it is gone. */
  public Future<Optional<String>> fullLog(String pod) {
    return blocking.run(
        () -> {
          try {
            return Optional.ofNullable(
                client
                    .pods()
                    .inNamespace(namespace)
                    .withName(pod)
                    .withReadyWaitTimeout(0)
                    .getLog());
          } catch (KubernetesClientException e) {
            if (e.getCode() == 400 || e.getCode() == 404) {
              return Optional.<String>empty();
            }
            throw e;
          }
        });
  }

  static List<Line> parse(String text) {
    List<Line> lines = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      return lines;
    }
    for (String raw : text.split("\n", -1)) {
      if (raw.isEmpty()) {
        continue;
      }
      int space = raw.indexOf(' ');
      try {
        lines.add(new Line(Instant.parse(raw.substring(0, space)), raw.substring(space + 1)));
      } catch (RuntimeException e) {
        lines.add(new Line(null, raw));
      }
    }
    return lines;
  }
}
