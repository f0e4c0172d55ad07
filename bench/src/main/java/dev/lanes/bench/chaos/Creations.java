package dev.lanes.bench.chaos;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every build Job and release Deployment created in the cluster during the run, watched for the
 * whole of it: the uids each build id ({@code lanes.dev/build-id} label) and each release id
 * ({@code lanes.dev/release-id} annotation) had. A second uid means the object was created again
 * (deleted and created, or two of them): a double.
 */
final class Creations implements AutoCloseable {

  final Map<String, Set<String>> jobsByBuild = new ConcurrentHashMap<>();
  final Map<String, Set<String>> deploymentsByRelease = new ConcurrentHashMap<>();
  private final List<SharedIndexInformer<?>> informers;

  Creations(KubernetesClient client) {
    informers =
        List.of(
            client
                .batch()
                .v1()
                .jobs()
                .inAnyNamespace()
                .inform(handler(jobsByBuild, j -> labels(j).get("lanes.dev/build-id"))),
            client
                .apps()
                .deployments()
                .inAnyNamespace()
                .inform(
                    handler(
                        deploymentsByRelease, d -> annotations(d).get("lanes.dev/release-id"))));
  }

  /** Ids with more than one object over the run, with their uids. */
  static Map<String, Set<String>> doubles(Map<String, Set<String>> byId) {
    Map<String, Set<String>> out = new ConcurrentHashMap<>();
    byId.forEach(
        (id, uids) -> {
          if (uids.size() > 1) {
            out.put(id, uids);
          }
        });
    return out;
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(
      Map<String, Set<String>> byId, Function<T, String> key) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        note(object);
      }

      @Override
      public void onUpdate(T before, T after) {
        note(after);
      }

      @Override
      public void onDelete(T object, boolean unknownFinalState) {}

      private void note(T object) {
        String id = key.apply(object);
        if (id != null) {
          byId.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet())
              .add(object.getMetadata().getUid());
        }
      }
    };
  }

  private static Map<String, String> labels(HasMetadata o) {
    Map<String, String> m = o.getMetadata().getLabels();
    return m == null ? Map.of() : m;
  }

  private static Map<String, String> annotations(HasMetadata o) {
    Map<String, String> m = o.getMetadata().getAnnotations();
    return m == null ? Map.of() : m;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
