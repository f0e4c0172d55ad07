package dev.lanes.platform.distributed;

import dev.lanes.common.config.ConfigParsers;
import dev.lanes.sandbox.SandboxCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The sandbox cluster on its own, for services running as separate processes ({@code make
 * run-distributed}): the mock API server with the simulated kubelet, and a kubeconfig for them.
 *
 * <p>Usage: {@code SandboxMain <port> <kubeconfig path>}; {@code SANDBOX_STEP_DELAY} paces the
 * kubelet as it does for the platform.
 */
public final class SandboxMain {

  private SandboxMain() {}

  public static void main(String[] args) throws Exception {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    if (args.length != 2) {
      System.err.println("usage: SandboxMain <port> <kubeconfig path>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    Path kubeconfig = Path.of(args[1]).toAbsolutePath();
    String step = System.getenv("SANDBOX_STEP_DELAY");
    Duration delay =
        step == null || step.isBlank() ? Duration.ofMillis(500) : ConfigParsers.duration(step);
    SandboxCluster sandbox =
        SandboxCluster.start(new SandboxCluster.Options(port, kubeconfig, delay));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  sandbox.close();
                  stopped.countDown();
                },
                "sandbox-shutdown"));
    System.out.println(
        "Sandbox cluster listening on " + sandbox.url() + ", kubeconfig " + kubeconfig);
    System.out.flush();
    stopped.await();
  }
}
