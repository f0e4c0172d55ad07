package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What a simulated container does between starting and terminating. */
interface Workload {

  /** How a container ended: exit code, reason and the termination message (Kaniko's digest). */
  record Outcome(int exitCode, String reason, String message) {

    static Outcome succeeded(String message) {
      return new Outcome(0, "Completed", message);
    }

    static Outcome failed(String message) {
      return new Outcome(1, "Error", message);
    }

    /** The container could not be configured: a Secret or key its env refers to is missing. */
    static Outcome configError(String message) {
      return new Outcome(1, "CreateContainerConfigError", message);
    }

    boolean isSuccess() {
      return exitCode == 0;
    }
  }

  /** What a workload may do while it runs. */
  interface Run {
    void log(String line);

    /** Waits; throws {@link InterruptedException} when the pod is killed meanwhile. */
    void pause(Duration duration) throws InterruptedException;

    /** The pause between two steps of the simulation. */
    Duration step();

    /** The container's environment, secretKeyRefs resolved ({@link ContainerEnv}). */
    Map<String, String> env();

    /** The pod's emptyDir volumes, shared by its init containers and containers. */
    PodScratch scratch();
  }

  Outcome run(Container container, Run run) throws InterruptedException;

  /** The workload that simulates {@code container}. */
  static Workload of(Container container) {
    return ofBuild(container).orElseGet(GenericWorkload::new);
  }

  /** The builder that simulates {@code container} when it is a build's: Kaniko or BuildKit. */
  static Optional<Workload> ofBuild(Container container) {
    if (KanikoWorkload.isKaniko(container)) {
      return Optional.of(new KanikoWorkload());
    }
    if (BuildKitWorkload.isBuildKit(container)) {
      return Optional.of(new BuildKitWorkload());
    }
    return Optional.empty();
  }
}
