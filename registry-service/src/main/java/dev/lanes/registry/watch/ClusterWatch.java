package dev.lanes.registry.watch;

import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.registry.table.ServiceFacts;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;

/**
 * Informers on the Services labelled {@code app} and {@code lane} in one namespace and on the
 * EndpointSlices there. Every event is handed to the {@link Listener} on one Vert.x context, in the
 * order the informers deliver them, with the time it arrived (for the propagation metric).
 */
public final class ClusterWatch implements AutoCloseable {

  /** Receives cluster changes, always on the watch's context. */
  public interface Listener {
    void serviceChanged(ServiceFacts service, long arrivedNanos);

    void serviceDeleted(String name, long arrivedNanos);

    void sliceChanged(String service, String slice, int readyEndpoints, long arrivedNanos);

    void sliceDeleted(String service, String slice, long arrivedNanos);
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Context context;
  private final Listener listener;
  private SharedIndexInformer<Service> services;
  private SharedIndexInformer<EndpointSlice> slices;

  public ClusterWatch(
      KubernetesClient client, String namespace, Context context, Listener listener) {
    this.client = client;
    this.namespace = namespace;
    this.context = context;
    this.listener = listener;
  }

  /**
   * Starts both informers. The future completes, on the context, once both have listed the
   * namespace and everything they hold has been handed to the listener; until then the table is
   * partial. The informers keep retrying in the background while the API server is away.
   */
  public Future<Void> start() {
    services =
        client
            .services()
            .inNamespace(namespace)
            .withLabel(LaneLabels.APP)
            .withLabel(LaneLabels.LANE)
            .runnableInformer(0);
    slices = client.discovery().v1().endpointSlices().inNamespace(namespace).runnableInformer(0);
    services.addEventHandler(new ServiceHandler());
    slices.addEventHandler(new SliceHandler());
    Future<Void> servicesSynced = Future.fromCompletionStage(services.start(), context);
    Future<Void> slicesSynced = Future.fromCompletionStage(slices.start(), context);
    return Future.all(servicesSynced, slicesSynced).map(v -> replayStores());
  }

  /**
   * Hands the synced stores to the listener once more. Handlers run behind the store, so this makes
   * sure the table reflects the whole list when readiness is declared; replaying what was already
   * applied changes nothing.
   */
  private Void replayStores() {
    long now = System.nanoTime();
    List<Service> listed = services.getStore().list();
    listed.forEach(s -> listener.serviceChanged(ClusterFacts.of(s), now));
    for (EndpointSlice slice : slices.getStore().list()) {
      String service = ClusterFacts.serviceOf(slice);
      if (service != null) {
        listener.sliceChanged(
            service, slice.getMetadata().getName(), ClusterFacts.readyEndpoints(slice), now);
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (services != null) {
      services.close();
    }
    if (slices != null) {
      slices.close();
    }
  }

  private void onContext(Runnable action) {
    context.runOnContext(v -> action.run());
  }

  private final class ServiceHandler implements ResourceEventHandler<Service> {
    @Override
    public void onAdd(Service s) {
      long now = System.nanoTime();
      ServiceFacts facts = ClusterFacts.of(s);
      onContext(() -> listener.serviceChanged(facts, now));
    }

    @Override
    public void onUpdate(Service before, Service after) {
      onAdd(after);
    }

    @Override
    public void onDelete(Service s, boolean finalStateUnknown) {
      long now = System.nanoTime();
      String name = s.getMetadata().getName();
      onContext(() -> listener.serviceDeleted(name, now));
    }
  }

  private final class SliceHandler implements ResourceEventHandler<EndpointSlice> {
    @Override
    public void onAdd(EndpointSlice slice) {
      long now = System.nanoTime();
      String service = ClusterFacts.serviceOf(slice);
      if (service == null) {
        return;
      }
      String name = slice.getMetadata().getName();
      int ready = ClusterFacts.readyEndpoints(slice);
      onContext(() -> listener.sliceChanged(service, name, ready, now));
    }

    @Override
    public void onUpdate(EndpointSlice before, EndpointSlice after) {
      onAdd(after);
    }

    @Override
    public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
      long now = System.nanoTime();
      String service = ClusterFacts.serviceOf(slice);
      if (service == null) {
        return;
      }
      String name = slice.getMetadata().getName();
      onContext(() -> listener.sliceDeleted(service, name, now));
    }
  }
}
