package dev.lanes.releases.k8s;

import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;

/**
 * The Services of a release: {@code {app}-{lane}} selecting the lane's pods, and for lane {@code
 * prod} the base Service {@code {app}}, which is where requests without a lane go. Both expose the
 * app's port as {@code http}. Pure.
 */
public final class ServiceSpec {

  private final String namespace;

  public ServiceSpec(String namespace) {
    this.namespace = namespace;
  }

  public Service lane(String app, String lane, int port) {
    return service(
        LaneNames.laneObject(app, lane),
        LaneLabels.forRelease(app, lane, null).toMap(),
        LaneLabels.selector(app, lane).toMap(),
        port);
  }

  public Service base(String app, int port) {
    return service(
        LaneNames.baseService(app),
        LaneLabels.forBaseService(app).toMap(),
        LaneLabels.selector(app, dev.lanes.common.domain.Lane.PROD).toMap(),
        port);
  }

  private Service service(
      String name, Map<String, String> labels, Map<String, String> selector, int port) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withType("ClusterIP")
        .withSelector(selector)
        .addNewPort()
        .withName(DeploymentSpec.PORT_NAME)
        .withProtocol("TCP")
        .withPort(port)
        .withTargetPort(new IntOrString(DeploymentSpec.PORT_NAME))
        .endPort()
        .endSpec()
        .build();
  }
}
