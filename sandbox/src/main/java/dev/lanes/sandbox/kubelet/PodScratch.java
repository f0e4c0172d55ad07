package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A pod's writable volumes (its emptyDirs) on this machine: one directory per volume, shared by the
 * pod's containers as a kubelet shares them. So what an SSH build's clone init container checks out
 * is what the simulated Kaniko then reads as its {@code dir://} context. Deleted with the pod's
 * run.
 */
final class PodScratch implements AutoCloseable {

  private Path root;

  /** Where {@code containerPath} of {@code container} lives here: empty when no volume has it. */
  Optional<Path> resolve(Container container, String containerPath) {
    if (container.getVolumeMounts() == null) {
      return Optional.empty();
    }
    for (VolumeMount mount : container.getVolumeMounts()) {
      String at = mount.getMountPath().replaceAll("/+$", "");
      if (containerPath.equals(at) || containerPath.startsWith(at + "/")) {
        String rest = containerPath.substring(at.length()).replaceAll("^/+", "");
        Path volume = root().resolve(mount.getName());
        Path path = volume.resolve(rest).normalize();
        // a path that climbs out of its volume is in no volume
        return path.startsWith(volume) ? Optional.of(path) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  private synchronized Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("lanes-sandbox-pod-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  @Override
  public synchronized void close() {
    if (root == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind: nothing depends on it
    }
    root = null;
  }
}
