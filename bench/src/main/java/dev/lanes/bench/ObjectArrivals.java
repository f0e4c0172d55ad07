package dev.lanes.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * When objects first appeared in the API server: an informer's ADD, keyed by the Lanes id the
 * object carries (a build Job's {@code lanes.dev/build-id} label, a Deployment's {@code
 * lanes.dev/release-id} annotation).
 */
final class ObjectArrivals implements AutoCloseable {

  final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final SharedIndexInformer<?> informer;

  private <T extends HasMetadata> ObjectArrivals(
      Function<ResourceEventHandler<T>, SharedIndexInformer<T>> inform, Function<T, String> key) {
    informer =
        inform.apply(
            new ResourceEventHandler<T>() {
              @Override
              public void onAdd(T object) {
                String id = key.apply(object);
                if (id != null) {
                  seen.putIfAbsent(id, Instant.now());
                }
              }

              @Override
              public void onUpdate(T before, T after) {}

              @Override
              public void onDelete(T object, boolean unknownFinalState) {}
            });
  }

  /** Build Jobs in {@code namespace}, by build id. */
  static ObjectArrivals jobs(KubernetesClient client, String namespace) {
    return new ObjectArrivals(
        h -> client.batch().v1().jobs().inNamespace(namespace).inform(h),
        (Job j) -> j.getMetadata().getLabels().get("lanes.dev/build-id"));
  }

  /** Deployments in {@code namespace}, by release id. */
  static ObjectArrivals deployments(KubernetesClient client, String namespace) {
    return new ObjectArrivals(
        h -> client.apps().deployments().inNamespace(namespace).inform(h),
        (Deployment d) -> d.getMetadata().getAnnotations().get("lanes.dev/release-id"));
  }

  /** Waits until every one of {@code ids} was seen, or {@code timeout} passed. */
  boolean awaitAll(Collection<String> ids, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!seen.keySet().containsAll(ids)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  @Override
  public void close() {
    informer.close();
  }
}
