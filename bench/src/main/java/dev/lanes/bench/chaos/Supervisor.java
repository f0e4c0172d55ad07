package dev.lanes.bench.chaos;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The platform's processes, each its own JVM as {@code bin/run-distributed} starts them: started,
 * killed (SIGKILL), stopped (SIGTERM) and started again by name, each appending its output to
 * {@code logs/NAME.log}. It notes every exit it did not cause: a service that gives up when
 * PostgreSQL or Kafka goes away shows there.
 */
final class Supervisor implements AutoCloseable {

  /** How to start one process and tell that it is ready. */
  record Spec(
      String name, String mainClass, List<String> args, Map<String, String> env, Ready ready) {}

  /**
   * Ready once its log (since this start) has a line containing {@code logLine}, or, when that is
   * null, once {@code GET /readyz} on {@code port} answers 200.
   */
  record Ready(String logLine, int port) {
    static Ready logged(String line) {
      return new Ready(line, 0);
    }

    static Ready http(int port) {
      return new Ready(null, port);
    }
  }

  // what bin/run-distributed gives every process, and what each must not inherit from ours
  private static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmx256m");
  private static final List<String> NOT_INHERITED =
      List.of("HTTP_PORT", "REGISTRY_HTTP_PORT", "API_TOKEN", "DATABASE_URL", "KUBECONFIG");
  private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  private final Path logs;
  private final String classpath;
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Set<Process> ended = ConcurrentHashMap.newKeySet();
  private final List<String> unexpectedExits = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  Supervisor(Path logs, String classpath) throws IOException {
    this.logs = Files.createDirectories(logs);
    this.classpath = classpath;
  }

  /** Starts {@code spec}'s process and waits until it is ready. */
  void start(Spec spec) throws IOException {
    specs.put(spec.name(), spec);
    Path log = logs.resolve(spec.name() + ".log");
    long offset = Files.exists(log) ? Files.size(log) : 0;
    Process p = launch(spec, log);
    running.put(spec.name(), p);
    p.onExit().thenAccept(exited -> noteExit(spec.name(), exited));
    await("start of " + spec.name())
        .atMost(START_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ready(spec, p, log, offset));
  }

  /** Starts again what {@link #kill} or {@link #stop} ended. */
  void restart(String name) throws IOException {
    start(specs.get(name));
  }

  /** SIGKILL (Process.destroyForcibly on Linux); returns once the process is gone. */
  void kill(String name) throws InterruptedException {
    Process p = take(name);
    p.destroyForcibly();
    p.waitFor();
  }

  /** SIGTERM, so that its shutdown hook runs; SIGKILL if it has not ended within a minute. */
  void stop(String name) throws InterruptedException {
    Process p = take(name);
    p.destroy();
    if (!p.waitFor(1, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      p.waitFor();
    }
  }

  boolean alive(String name) {
    Process p = running.get(name);
    return p != null && p.isAlive();
  }

  /** Whether GET /readyz on the process's port answers 200 now. */
  boolean ready(String name) {
    return probe(specs.get(name).ready().port());
  }

  /** Exits nobody asked for, as "name exited with N". */
  List<String> unexpectedExits() {
    return List.copyOf(unexpectedExits);
  }

  private Process take(String name) {
    Process p = running.remove(name);
    if (p == null) {
      throw new IllegalStateException(name + " is not running");
    }
    ended.add(p);
    return p;
  }

  private void noteExit(String name, Process exited) {
    if (!ended.contains(exited)) {
      unexpectedExits.add(name + " exited with " + exited.exitValue());
    }
  }

  private Process launch(Spec spec, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-cp", classpath, spec.mainClass()));
    command.addAll(spec.args());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    NOT_INHERITED.forEach(pb.environment()::remove);
    pb.environment().putAll(spec.env());
    return pb.start();
  }

  private boolean ready(Spec spec, Process p, Path log, long offset) throws IOException {
    if (!p.isAlive()) {
      throw new IllegalStateException(
          spec.name() + " ended while starting (exit " + p.exitValue() + "); see " + log);
    }
    if (spec.ready().logLine() == null) {
      return probe(spec.ready().port());
    }
    byte[] all = Files.readAllBytes(log);
    String since = new String(all, (int) offset, all.length - (int) offset);
    return since.contains(spec.ready().logLine());
  }

  private boolean probe(int port) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
              .timeout(Duration.ofSeconds(2))
              .build();
      return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops every process, the last started first (services before what they need). */
  @Override
  public void close() {
    List<String> names = new ArrayList<>(specs.keySet());
    for (int i = names.size() - 1; i >= 0; i--) {
      if (running.containsKey(names.get(i))) {
        try {
          stop(names.get(i));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
