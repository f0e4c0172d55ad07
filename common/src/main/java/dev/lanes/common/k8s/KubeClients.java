package dev.lanes.common.k8s;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.vertx5.Vertx5HttpClientFactory;
import io.vertx.core.Vertx;

/**
 * Creates fabric8 clients that talk through the process's own Vert.x instance. Their blocking calls
 * must run on worker threads ({@link dev.lanes.common.concurrent.Blocking}), never on an event
 * loop: they wait for answers the event loops deliver.
 */
public final class KubeClients {

  private KubeClients() {}

  public static KubernetesClient create(Vertx vertx, KubeConfig target) {
    Config config =
        target.kubeconfig() != null
            ? Config.fromKubeconfig(target.kubeconfig().toFile())
            : Config.autoConfigure(null);
    config.setRequestTimeout(10_000);
    config.setConnectionTimeout(5_000);
    // Callers retry with their own backoff and record why; the client's default of ten retries
    // with exponential backoff would hold a single call for minutes while the API is away.
    config.setRequestRetryBackoffLimit(2);
    config.setRequestRetryBackoffInterval(100);
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new Vertx5HttpClientFactory(vertx))
        .build();
  }
}
