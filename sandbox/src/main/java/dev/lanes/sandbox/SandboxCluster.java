package dev.lanes.sandbox;

import dev.lanes.sandbox.api.SandboxApiServer;
import dev.lanes.sandbox.controllers.Controllers;
import dev.lanes.sandbox.kubelet.PodLogStore;
import dev.lanes.sandbox.kubelet.SimulatedKubelet;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A development and demo Kubernetes cluster in the process, split as a real one is: an API server
 * ({@link SandboxApiServer}: fabric8's mock server in CRUD mode on a local port, and a kubeconfig
 * pointing at it), the controllers ({@link Controllers}: Deployments, Jobs, EndpointSlices), which
 * create pods and write their owners' status, and one node's kubelet ({@link SimulatedKubelet}),
 * which alone moves those pods through their lives. It is not a real cluster: no images are pulled
 * or run, and only the behaviour Lanes relies on is simulated. Use it for {@code make run}, demos
 * and tests.
 */
public final class SandboxCluster implements AutoCloseable {

  /** The name of the sandbox's one node, which the controllers bind their pods to. */
  public static final String NODE = "sandbox-node";

  /** How to start it: {@code port} 0 takes a free one; {@code step} paces the simulation. */
  public record Options(int port, Path kubeconfig, Duration step) {
    public static Options defaults() {
      return new Options(0, null, Duration.ofMillis(500));
    }
  }

  private final SandboxApiServer server;
  private final KubernetesClient client;
  private final PodLogStore logs;
  private final Controllers controllers;
  private final SimulatedKubelet kubelet;

  private SandboxCluster(
      SandboxApiServer server,
      KubernetesClient client,
      PodLogStore logs,
      Controllers controllers,
      SimulatedKubelet kubelet) {
    this.server = server;
    this.client = client;
    this.logs = logs;
    this.controllers = controllers;
    this.kubelet = kubelet;
  }

  public static SandboxCluster start(Options options) {
    PodLogStore logs = new PodLogStore();
    SandboxApiServer server = SandboxApiServer.start(options.port(), logs);
    KubernetesClient client = server.newClient();
    SandboxCluster cluster =
        new SandboxCluster(
            server,
            client,
            logs,
            Controllers.start(client, NODE, options.step()),
            SimulatedKubelet.start(client, NODE, logs, options.step()));
    if (options.kubeconfig() != null) {
      cluster.writeKubeconfig(options.kubeconfig());
    }
    return cluster;
  }

  /** The API server's URL, e.g. {@code http://127.0.0.1:34567/}. */
  public String url() {
    return server.url();
  }

  public int port() {
    return server.port();
  }

  /** A client of the sandbox, for tests and tools; Lanes's services use the kubeconfig. */
  public KubernetesClient client() {
    return client;
  }

  /** The logs of the kubelet's containers, as {@code pods/log} serves them. */
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
    controllers.close();
    client.close();
    server.close();
  }
}
