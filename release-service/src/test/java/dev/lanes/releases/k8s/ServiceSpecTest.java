package dev.lanes.releases.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceSpecTest {

  private final ServiceSpec spec = new ServiceSpec("prod");

  @Test
  void theLanesServiceSelectsTheLanesPodsOnTheNamedPort() {
    Service s = spec.lane("web", "dev", 8080);

    assertThat(s.getMetadata().getName()).isEqualTo("web-dev");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("prod");
    assertThat(s.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry("lane", "dev")
        .containsEntry("app.kubernetes.io/managed-by", "lanes")
        .doesNotContainKey("app.kubernetes.io/version");
    assertThat(s.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("app", "web", "lane", "dev"));
    var port = s.getSpec().getPorts().get(0);
    assertThat(port.getName()).isEqualTo("http");
    assertThat(port.getProtocol()).isEqualTo("TCP");
    assertThat(port.getPort()).isEqualTo(8080);
    assertThat(port.getTargetPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void theBaseServiceIsWhereRequestsWithoutALaneGo() {
    Service s = spec.base("web", 9090);

    assertThat(s.getMetadata().getName()).isEqualTo("web");
    assertThat(s.getMetadata().getLabels())
        .doesNotContainKey("lane")
        .containsEntry("app.kubernetes.io/managed-by", "lanes");
    assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("app", "web", "lane", "prod"));
    assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(9090);
  }
}
