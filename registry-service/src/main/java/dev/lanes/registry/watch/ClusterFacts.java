package dev.lanes.registry.watch;

import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.registry.table.ServiceFacts;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import java.util.Map;

/** Reads what the route table needs out of Kubernetes objects. */
final class ClusterFacts {

  /** The label that ties an EndpointSlice to its Service. */
  static final String SERVICE_NAME = "kubernetes.io/service-name";

  private ClusterFacts() {}

  static ServiceFacts of(Service service) {
    Map<String, String> labels = service.getMetadata().getLabels();
    List<ServicePort> ports = service.getSpec() == null ? null : service.getSpec().getPorts();
    Integer port = ports == null || ports.isEmpty() ? null : ports.get(0).getPort();
    return new ServiceFacts(
        service.getMetadata().getName(),
        labels == null ? null : labels.get(LaneLabels.APP),
        labels == null ? null : labels.get(LaneLabels.LANE),
        port == null ? 0 : port);
  }

  /** The name of the Service a slice belongs to, or {@code null}. */
  static String serviceOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    return labels == null ? null : labels.get(SERVICE_NAME);
  }

  /**
   * Endpoints that are ready. Kubernetes documents a missing {@code ready} condition as "unknown,
   * to be taken as ready".
   */
  static int readyEndpoints(EndpointSlice slice) {
    if (slice.getEndpoints() == null) {
      return 0;
    }
    int n = 0;
    for (Endpoint e : slice.getEndpoints()) {
      EndpointConditions c = e.getConditions();
      if (c == null || c.getReady() == null || c.getReady()) {
        n++;
      }
    }
    return n;
  }
}
