package dev.lanes.sandbox;

import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;

/**
 * A development and demo Kubernetes cluster in the process: fabric8's mock API server in CRUD mode
 * on a local port, a kubeconfig pointing at it, and a {@link SimulatedKubelet} that runs what would
 * need nodes. It is not a real cluster: no images are pulled or run, and only the behaviour Lanes
 * relies on is simulated. Use it for {@code make run}, demos and tests.
 */
public final class SandboxCluster implements AutoCloseable {

  /** How to start it: {@code port} 0 takes a free one; {@code step} paces the simulation. */
  public record Options(int port, Path kubeconfig, Duration step) {
    public static Options defaults() {
      return new Options(0, null, Duration.ofMillis(500));
    }
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final SimulatedKubelet kubelet;
  private final PodLogStore logs;

  private SandboxCluster(
      KubernetesMockServer server,
      KubernetesClient client,
      SimulatedKubelet kubelet,
      PodLogStore logs) {
    this.server = server;
    this.client = client;
    this.kubelet = kubelet;
    this.logs = logs;
  }

  public static SandboxCluster start(Options options) {
    PodLogStore logs = new PodLogStore();
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new SandboxDispatcher(logs),
            false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), options.port());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the sandbox API server", e);
    }
    KubernetesClient client = server.createClient();
    SimulatedKubelet kubelet = new SimulatedKubelet(client, logs, options.step()).start();
    SandboxCluster cluster = new SandboxCluster(server, client, kubelet, logs);
    if (options.kubeconfig() != null) {
      cluster.writeKubeconfig(options.kubeconfig());
    }
    return cluster;
  }

  /** The API server's URL, e.g. {@code http://127.0.0.1:34567/}. */
  public String url() {
    // the server listens on 127.0.0.1 only; "localhost" may resolve to ::1 first
    return "http://127.0.0.1:" + server.getPort() + "/";
  }

  public int port() {
    return server.getPort();
  }

  /** A client of the sandbox, for tests and tools; Lanes's services use the kubeconfig. */
  public KubernetesClient client() {
    return client;
  }

  public PodLogStore logs() {
    return logs;
  }

  /** Writes a kubeconfig for the sandbox, readable by its owner only. */
  public void writeKubeconfig(Path path) {
    var config =
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .addNewCluster()
            .withName("lanes-sandbox")
            .withNewCluster()
            .withServer(url())
            .endCluster()
            .endCluster()
            .addNewUser()
            .withName("lanes-sandbox")
            .withNewUser()
            .withToken("sandbox")
            .endUser()
            .endUser()
            .addNewContext()
            .withName("lanes-sandbox")
            .withNewContext()
            .withCluster("lanes-sandbox")
            .withUser("lanes-sandbox")
            .withNamespace("default")
            .endContext()
            .endContext()
            .withCurrentContext("lanes-sandbox")
            .build();
    try {
      Files.createDirectories(path.toAbsolutePath().getParent());
      Files.writeString(path, Serialization.asYaml(config));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sandbox kubeconfig to " + path, e);
    }
  }

  @Override
  public void close() {
    kubelet.close();
    client.close();
    server.destroy();
  }
}
