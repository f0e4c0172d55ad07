package dev.lanes.sandbox.kubelet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logs of the sandbox's simulated containers: {@link SimulatedKubelet} writes them, the API
 * server ({@code dev.lanes.sandbox.api.SandboxDispatcher}) serves them through the Kubernetes pod
 * log API, as a real API server passes a kubelet's on. Thread-safe.
 */
public final class PodLogStore {

  /** One line as the container wrote it. */
  public record Line(Instant time, String text) {}

  private final Map<String, List<Line>> logs = new ConcurrentHashMap<>();

  private static String key(String namespace, String pod) {
    return namespace + "/" + pod;
  }

  /** Marks the pod's container as started: its log exists, empty. */
  public void started(String namespace, String pod) {
    logs.putIfAbsent(key(namespace, pod), new ArrayList<>());
  }

  public void append(String namespace, String pod, String text) {
    List<Line> lines = logs.computeIfAbsent(key(namespace, pod), k -> new ArrayList<>());
    synchronized (lines) {
      lines.add(new Line(Instant.now(), text));
    }
  }

  /** The lines so far, or {@code null} when the container has not started. */
  public List<Line> read(String namespace, String pod) {
    List<Line> lines = logs.get(key(namespace, pod));
    if (lines == null) {
      return null;
    }
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  public void remove(String namespace, String pod) {
    logs.remove(key(namespace, pod));
  }
}
