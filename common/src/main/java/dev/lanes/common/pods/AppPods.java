package dev.lanes.common.pods;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.domain.Release;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What a release looks like in the cluster right now: its Deployment's replicas and its pods, and
 * the pods' logs. Every call runs on {@link Blocking}.
 */
public final class AppPods {

  /** The rollout as the cluster reports it. */
  public record Status(
      String deployment, int desired, int updated, int ready, int available, List<PodView> pods) {}

  /** One pod of a release. */
  public record PodView(
      String name,
      String phase,
      boolean ready,
      int restarts,
      String waitingReason,
      String version,
      Instant startedAt) {}

  /** One log line of one pod. */
  public record Line(Instant time, String pod, String text) {}

  private final KubernetesClient client;
  private final String namespace;
  private final Blocking blocking;

  public AppPods(KubernetesClient client, String namespace, Blocking blocking) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  public Future<Status> status(Release release) {
    return blocking.run(
        () -> {
          String name = LaneNames.laneObject(release.app(), release.lane());
          Deployment dep = client.apps().deployments().inNamespace(namespace).withName(name).get();
          var s = dep == null ? null : dep.getStatus();
          List<PodView> pods =
              pods(release.app(), release.lane()).stream().map(AppPods::view).toList();
          return new Status(
              name,
              dep == null || dep.getSpec().getReplicas() == null
                  ? release.replicas()
                  : dep.getSpec().getReplicas(),
              s == null || s.getUpdatedReplicas() == null ? 0 : s.getUpdatedReplicas(),
              s == null || s.getReadyReplicas() == null ? 0 : s.getReadyReplicas(),
              s == null || s.getAvailableReplicas() == null ? 0 : s.getAvailableReplicas(),
              pods);
        });
  }

  /**
   * The lines the lane's pods wrote, merged in time order: the last {@code tail} of each pod, or
   * those since {@code since} when set.
   */
  public Future<List<Line>> logs(String app, String lane, Integer tail, Instant since) {
    return blocking.run(
        () -> {
          List<Line> lines = new ArrayList<>();
          for (Pod pod : pods(app, lane)) {
            lines.addAll(read(pod.getMetadata().getName(), tail, since));
          }
          lines.sort(
              Comparator.comparing(Line::time, Comparator.nullsFirst(Comparator.naturalOrder())));
          return lines;
        });
  }

  private List<Line> read(String pod, Integer tail, Instant since) {
    var log = client.pods().inNamespace(namespace).withName(pod).withReadyWaitTimeout(0);
    String text;
    try {
      if (since != null) {
        text =
            log.usingTimestamps()
                .sinceTime(since.truncatedTo(ChronoUnit.SECONDS).toString())
                .getLog();
      } else if (tail != null) {
        text = log.usingTimestamps().tailingLines(tail).getLog();
      } else {
        text = log.usingTimestamps().getLog();
      }
    } catch (KubernetesClientException e) {
      if (e.getCode() == 400 || e.getCode() == 404) {
        return List.of(); // not started yet, or gone
      }
      throw e;
    }
    List<Line> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    for (String raw : text.split("\n")) {
      if (raw.isEmpty()) {
        continue;
      }
      int space = raw.indexOf(' ');
      Instant time;
      try {
        time = Instant.parse(raw.substring(0, space));
      } catch (RuntimeException e) {
        out.add(new Line(null, pod, raw));
        continue;
      }
      if (since == null || !time.isBefore(since)) {
        out.add(new Line(time, pod, raw.substring(space + 1)));
      }
    }
    return out;
  }

  private List<Pod> pods(String app, String lane) {
    return client
        .pods()
        .inNamespace(namespace)
        .withLabels(LaneLabels.selector(app, lane).toMap())
        .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
        .list()
        .getItems()
        .stream()
        .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
        .toList();
  }

  private static PodView view(Pod p) {
    var s = p.getStatus();
    ContainerStatus c =
        s == null || s.getContainerStatuses() == null || s.getContainerStatuses().isEmpty()
            ? null
            : s.getContainerStatuses().get(0);
    boolean ready =
        s != null
            && s.getConditions() != null
            && s.getConditions().stream()
                .anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
    return new PodView(
        p.getMetadata().getName(),
        s == null ? null : s.getPhase(),
        ready,
        c == null || c.getRestartCount() == null ? 0 : c.getRestartCount(),
        c == null || c.getState() == null || c.getState().getWaiting() == null
            ? null
            : c.getState().getWaiting().getReason(),
        p.getMetadata().getLabels().get(LaneLabels.VERSION),
        s == null || s.getStartTime() == null ? null : Instant.parse(s.getStartTime()));
  }
}
