package dev.lanes.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A local control plane of real Kubernetes components ({@code bin/local-kube}: etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler, kwok) for one test class, with Lanes'
 * namespaces, ServiceAccounts and Roles applied from {@code deploy/kubernetes/base}, and a
 * kubeconfig per service holding its ServiceAccount's token.
 *
 * <p>The components are built by {@code kube/build.sh} ({@code .ci/run} does it). Where they are
 * not built, a test that asks for the cluster is skipped, unless {@code LANES_REQUIRE_KUBE=true}
 * (CI sets it), which makes it fail instead.
 */
public final class LocalKube implements AutoCloseable {

  private final Path dir;
  private final Path bin;
  private final Process process;

  private LocalKube(Path dir, Path bin, Process process) {
    this.dir = dir;
    this.bin = bin;
    this.process = process;
  }

  /** The repository's root: where {@code bin/local-kube} is, seen from a module's directory. */
  public static Path repositoryRoot() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      if (Files.isExecutable(p.resolve("bin/local-kube"))) {
        return p;
      }
    }
    throw new IllegalStateException("no bin/local-kube above " + here);
  }

  /**
   * Starts a cluster in {@code dir} and waits until it is ready; skips the test (or fails it, with
   * {@code LANES_REQUIRE_KUBE=true}) where the components are not built.
   */
  public static LocalKube start(Path dir) {
    Path root = repositoryRoot();
    Path bin = built(root);
    try {
      Files.createDirectories(dir);
      ProcessBuilder pb =
          new ProcessBuilder(root.resolve("bin/local-kube").toString())
              .directory(root.toFile())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("local-kube.out").toFile());
      Map<String, String> env = pb.environment();
      env.put("LOCAL_KUBE_DIR", dir.toString());
      env.put("LOCAL_KUBE_INSTALL_LANES", "true");
      // KwokKubelet from this JVM's own classes (the sandbox module), no jar needed
      env.put("LOCAL_KUBE_CLASSPATH", System.getProperty("java.class.path"));
      env.put("KWOK_KUBELET_STEP", "PT0.05S");
      Process process = pb.start();
      LocalKube kube = new LocalKube(dir, bin, process);
      try {
        await("the local control plane (" + dir.resolve("local-kube.out") + ")")
            .atMost(Duration.ofMinutes(2))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> Files.exists(dir.resolve("ready")) || !process.isAlive());
        if (!process.isAlive()) {
          throw new IllegalStateException(
              "bin/local-kube stopped while starting:\n"
                  + Files.readString(dir.resolve("local-kube.out")));
        }
      } catch (RuntimeException | IOException e) {
        kube.close();
        throw e;
      }
      return kube;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path built(Path root) {
    try {
      Process check =
          new ProcessBuilder(root.resolve("kube/build.sh").toString(), "--check")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (check.waitFor() == 0) {
        return Path.of(out.trim());
      }
    } catch (IOException e) {
      // no bash, no script: as good as not built
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    String why = "the local control plane's components are not built: run kube/build.sh";
    if ("true".equals(System.getenv("LANES_REQUIRE_KUBE"))) {
      throw new IllegalStateException(why + " (LANES_REQUIRE_KUBE=true)");
    }
    Assumptions.abort(why);
    throw new AssertionError("unreachable");
  }

  /** bin/local-kube's process: its descendants are the components. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /** The admin kubeconfig (group system:masters). */
  public Path kubeconfig() {
    return dir.resolve("kubeconfig");
  }

  /** One kubeconfig per service, {@code <service>.kubeconfig}: its ServiceAccount's token. */
  public Path serviceKubeconfigs() {
    return dir.resolve("services");
  }

  /** The kube-apiserver's audit log (level Metadata). */
  public Path auditLog() {
    return dir.resolve("audit.log");
  }

  /** The platform's variables that make it use this cluster as {@code make run-kube} does. */
  public Map<String, String> platformEnv() {
    return Map.of(
        "KUBECONFIG", kubeconfig().toString(),
        "LANES_SERVICE_KUBECONFIGS", serviceKubeconfigs().toString(),
        "LANES_ALLOW_LOCAL_GIT", "true");
  }

  /**
   * Kills kube-apiserver (KILL: a crash, or a node of the control plane lost; a TERM waits for
   * every open watch to drain, up to a minute) and waits until bin/local-kube has started it again
   * and it answers {@code /readyz}.
   */
  public void restartApiServer() {
    try {
      long pid = Long.parseLong(Files.readString(dir.resolve("kube-apiserver.pid")).trim());
      ProcessHandle apiserver = ProcessHandle.of(pid).orElseThrow();
      apiserver.destroyForcibly();
      apiserver.onExit().get(60, TimeUnit.SECONDS);
      await("kube-apiserver back")
          .atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> kubectl("get", "--raw", "/readyz").trim().equals("ok"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException("restarting kube-apiserver", e);
    }
  }

  /** Runs the cluster's own kubectl as the admin; answers its output, fails when it fails. */
  public String kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("kubectl").toString());
    command.add("--kubeconfig");
    command.add(kubeconfig().toString());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("kubectl " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Stops every component (bin/local-kube stops them on TERM) and waits for it. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
