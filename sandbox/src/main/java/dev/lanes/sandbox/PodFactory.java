package dev.lanes.sandbox;

import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Small things every simulated pod needs: names, addresses, container statuses. */
final class PodFactory {

  private static final AtomicInteger NEXT_IP = new AtomicInteger(1);

  private PodFactory() {}

  static String suffix(int length) {
    String alphabet = "bcdfghjklmnpqrstvwxz2456789";
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < length; i++) {
      s.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
    }
    return s.toString();
  }

  /** A pod address from 10.244.0.0/16, unique in this process. */
  static String nextIp() {
    int n = NEXT_IP.getAndIncrement();
    return "10.244." + ((n >> 8) & 0xff) + "." + (n & 0xff);
  }

  static ContainerStatus status(
      Pod pod, ContainerState state, boolean ready, int restarts, ContainerState last) {
    var container = pod.getSpec().getContainers().get(0);
    ContainerStatusBuilder b =
        new ContainerStatusBuilder()
            .withName(container.getName())
            .withImage(container.getImage())
            .withReady(ready)
            .withStarted(state.getRunning() != null)
            .withRestartCount(restarts)
            .withState(state);
    if (last != null) {
      b.withLastState(last);
    }
    return b.build();
  }

  static ContainerState waiting(String reason, String message) {
    return new ContainerStateBuilder()
        .withNewWaiting()
        .withReason(reason)
        .withMessage(message)
        .endWaiting()
        .build();
  }

  static ContainerState running(String since) {
    return new ContainerStateBuilder().withNewRunning().withStartedAt(since).endRunning().build();
  }

  static ContainerState terminated(int code, String reason, String message, String at) {
    return new ContainerStateBuilder()
        .withNewTerminated()
        .withExitCode(code)
        .withReason(reason)
        .withMessage(message)
        .withFinishedAt(at)
        .endTerminated()
        .build();
  }
}
