package dev.lanes.builds.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.common.config.ConfigReader;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildEgressPolicySpecTest {

  private static NetworkPolicy policy(Map<String, String> env) {
    ConfigReader reader = new ConfigReader(env);
    BuildServiceConfig config = BuildServiceConfig.from(reader);
    reader.done();
    return new BuildEgressPolicySpec(config).desired();
  }

  private static IPBlock block(NetworkPolicy p, String cidr) {
    return p.getSpec().getEgress().stream()
        .flatMap(r -> r.getTo().stream())
        .map(NetworkPolicyPeer::getIpBlock)
        .filter(b -> b != null && b.getCidr().equals(cidr))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void selectsLanesBuildPodsAndCarriesTheManagedByLabel() {
    NetworkPolicy p = policy(Map.of());

    assertThat(p.getMetadata().getName()).isEqualTo("lanes-build-egress");
    assertThat(p.getMetadata().getNamespace()).isEqualTo("paas-builds");
    assertThat(p.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "lanes");
    assertThat(p.getSpec().getPodSelector().getMatchLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "app.kubernetes.io/component", "build", "app.kubernetes.io/managed-by", "lanes"));
    assertThat(p.getSpec().getPolicyTypes()).containsExactly("Egress");
  }

  @Test
  void letsBuildPodsLookNamesUpAnywhere() {
    NetworkPolicyEgressRule dns = policy(Map.of()).getSpec().getEgress().get(0);

    assertThat(dns.getTo()).isEmpty();
    assertThat(dns.getPorts())
        .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
        .containsExactlyInAnyOrder("UDP/53", "TCP/53");
  }

  @Test
  void theInternetIsAllowedButTheRefusedNetworks() {
    NetworkPolicy p = policy(Map.of());

    assertThat(block(p, "0.0.0.0/0").getExcept())
        .containsExactlyInAnyOrder(
            "0.0.0.0/8",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16");
    assertThat(block(p, "::/0").getExcept())
        .containsExactlyInAnyOrder("::1/128", "::/128", "fe80::/10", "fc00::/7");
    assertThat(p.getSpec().getEgress()).hasSize(3);
  }

  @Test
  void allowedNetworksAreLetThroughWholeOrInPart() {
    NetworkPolicy p =
        policy(
            Map.of(
                "GIT_ALLOWED_NETWORKS", "192.168.0.0/16,10.1.0.0/16",
                "BUILD_EGRESS_ALLOWED_NETWORKS", "10.96.0.0/12"));

    // covered whole: no longer refused; covered in part: refused, with a rule for the part
    assertThat(block(p, "0.0.0.0/0").getExcept())
        .doesNotContain("192.168.0.0/16")
        .contains("10.0.0.0/8");
    assertThat(block(p, "10.1.0.0/16").getExcept()).isEmpty();
    assertThat(block(p, "10.96.0.0/12").getExcept()).isEmpty();
    assertThat(block(p, "192.168.0.0/16")).isNotNull();
    assertThat(p.getSpec().getEgress()).hasSize(6);
  }

  @Test
  void anAllowedNetworkOfTheOtherFamilyLeavesThisOneAlone() {
    NetworkPolicy p = policy(Map.of("GIT_ALLOWED_NETWORKS", "fd00::/8"));

    assertThat(block(p, "::/0").getExcept()).contains("fc00::/7");
    assertThat(block(p, "0.0.0.0/0").getExcept()).hasSize(6);
    assertThat(List.of(block(p, "fd00::/8").getCidr())).containsExactly("fd00::/8");
  }
}
