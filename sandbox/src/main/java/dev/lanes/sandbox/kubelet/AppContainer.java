package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a long-running (app) container does in the simulation, told by its env, the same on the
 * sandbox ({@link SimulatedKubelet}) and beside kwok ({@link KwokKubelet}): it starts and logs a
 * few lines, then listens on its first port; {@code SANDBOX_IMAGE_PULL_ERROR} keeps it from
 * starting, {@code SANDBOX_CRASH} makes it exit at start, {@code SANDBOX_NOT_READY} keeps it from
 * becoming ready. Pure.
 */
record AppContainer(String image, Set<String> envNames, Map<String, String> env, Integer port) {

  static final String PULL_ERROR = "SANDBOX_IMAGE_PULL_ERROR";
  static final String CRASH = "SANDBOX_CRASH";
  static final String NOT_READY = "SANDBOX_NOT_READY";

  static AppContainer of(Container container) {
    Set<String> names = new HashSet<>();
    Map<String, String> values = new HashMap<>();
    List<EnvVar> vars = container.getEnv() == null ? List.of() : container.getEnv();
    for (EnvVar v : vars) {
      names.add(v.getName());
      if (v.getValue() != null) {
        values.put(v.getName(), v.getValue());
      }
    }
    Integer port =
        container.getPorts() == null || container.getPorts().isEmpty()
            ? null
            : container.getPorts().get(0).getContainerPort();
    return new AppContainer(container.getImage(), Set.copyOf(names), Map.copyOf(values), port);
  }

  boolean pullFails() {
    return envNames.contains(PULL_ERROR);
  }

  boolean crashes() {
    return envNames.contains(CRASH);
  }

  boolean neverReady() {
    return envNames.contains(NOT_READY);
  }

  /** What the container logs as it starts, before it crashes or runs. */
  List<String> startLines() {
    return List.of(
        "sandbox: started " + image,
        "starting "
            + env.getOrDefault("APP_NAME", "app")
            + " "
            + env.getOrDefault("VERSION", "")
            + " in lane "
            + env.getOrDefault("LANE", "?"));
  }

  String crashLine() {
    return "panic: SANDBOX_CRASH is set: exiting at start-up";
  }

  String notReadyLine() {
    return "sandbox: SANDBOX_NOT_READY is set: the readiness probe keeps failing";
  }

  /** The line it logs when it is ready, when it has a port. */
  Optional<String> listeningLine() {
    return port == null ? Optional.empty() : Optional.of("listening on :" + port);
  }
}
