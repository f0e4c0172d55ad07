package dev.lanes.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.lanes.sandbox.kubelet.PodLogStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients close watches all the time (an informer stopping, a service restarting). fabric8's mock
 * server could stall every request for up to 30 s when a watch closed while an event was being
 * written to it; the sandbox must keep answering.
 */
class WatchCloseTest {

  private static final String NS = "prod";
  private static SandboxApiServer server;
  private static KubernetesClient client;
  private static KubernetesClient impatient;

  @BeforeAll
  static void start() {
    server = SandboxApiServer.start(0, new PodLogStore());
    client = server.newClient();
    Config config =
        new ConfigBuilder(client.getConfiguration())
            .withRequestTimeout(5_000)
            .withRequestRetryBackoffLimit(0)
            .build();
    impatient = new KubernetesClientBuilder().withConfig(config).build();
  }

  @AfterAll
  static void stop() {
    impatient.close();
    client.close();
    server.close();
  }

  @Test
  void closingWatchesWhileEventsFlowDoesNotStallTheApiServer() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              while (writing.get()) {
                int n = written.incrementAndGet();
                client
                    .configMaps()
                    .inNamespace(NS)
                    .resource(
                        new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("cm-" + (n % 20))
                            .endMetadata()
                            .addToData("n", Integer.toString(n))
                            .build())
                    .createOr(NonDeletingOperation::update);
              }
            });
    writer.start();
    try {
      // Without the fix one stalled close holds the loop for 30 s; with it the loop takes ~5 s.
      assertTimeoutPreemptively(Duration.ofSeconds(25), () -> openAndCloseWatches(40));
    } finally {
      writing.set(false);
      writer.join();
    }
  }

  private static void openAndCloseWatches(int times) {
    for (int i = 0; i < times; i++) {
      AtomicInteger seen = new AtomicInteger();
      Watch watch =
          client
              .configMaps()
              .inNamespace(NS)
              .watch(
                  new Watcher<ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                      seen.incrementAndGet();
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.get() > 0);
      watch.close();
      assertThat(impatient.configMaps().inNamespace(NS).list().getItems()).isNotEmpty();
    }
  }
}
