package dev.lanes.sandbox.api;

import dev.lanes.sandbox.kubelet.PodLogStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * The sandbox's API server: fabric8's mock Kubernetes server in CRUD mode on {@code 127.0.0.1},
 * answering through {@link SandboxDispatcher} (discovery, {@code /version}, pod logs from the
 * kubelet's {@link PodLogStore}, the status subresource, server-side apply). Like a real API server
 * it only stores and serves objects: nothing here acts on them, that is the controllers' and the
 * kubelet's part.
 */
public final class SandboxApiServer implements AutoCloseable {

  private final KubernetesMockServer server;

  private SandboxApiServer(KubernetesMockServer server) {
    this.server = server;
  }

  /** Listens on {@code port} of 127.0.0.1 (0: a free one); serves the logs {@code logs} holds. */
  public static SandboxApiServer start(int port, PodLogStore logs) {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new SandboxDispatcher(logs),
            false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), port);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the sandbox API server", e);
    }
    return new SandboxApiServer(server);
  }

  public int port() {
    return server.getPort();
  }

  /** The server's URL, e.g. {@code http://127.0.0.1:34567/}. */
  public String url() {
    // the server listens on 127.0.0.1 only; "localhost" may resolve to ::1 first
    return "http://127.0.0.1:" + server.getPort() + "/";
  }

  /** A new client of this server; the caller closes it. */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  @Override
  public void close() {
    server.destroy();
  }
}
