package dev.lanes.builds.k8s;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.common.net.GitNetworks;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRuleBuilder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where build pods may connect: the internet, not the networks {@link GitNetworks} refuses (private
 * ranges, link-local with the cloud metadata endpoint, ...) unless {@code GIT_ALLOWED_NETWORKS} or
 * {@code BUILD_EGRESS_ALLOWED_NETWORKS} allows them, and DNS. Kaniko clones the repository itself
 * and looks its name up again, so build-service's check of the name cannot protect that clone from
 * a rebinding name server; this policy does, where the CNI enforces NetworkPolicies. Pure: no
 * client.
 */
public final class BuildEgressPolicySpec {

  private final BuildServiceConfig config;

  public BuildEgressPolicySpec(BuildServiceConfig config) {
    this.config = config;
  }

  public NetworkPolicy desired() {
    return new NetworkPolicyBuilder()
        .withNewMetadata()
        .withName(LaneNames.buildEgressPolicy())
        .withNamespace(config.namespace())
        .withLabels(LaneLabels.forBuildEgressPolicy().toMap())
        .endMetadata()
        .withNewSpec()
        .withNewPodSelector()
        .withMatchLabels(LaneLabels.buildPods().toMap())
        .endPodSelector()
        .withPolicyTypes("Egress")
        .withEgress(egress())
        .endSpec()
        .build();
  }

  private List<NetworkPolicyEgressRule> egress() {
    GitNetworks git = config.gitNetworks();
    List<NetworkPolicyEgressRule> rules = new ArrayList<>();
    rules.add(dns());
    rules.add(internet("0.0.0.0/0", git.refusedNetworks(true)));
    rules.add(internet("::/0", git.refusedNetworks(false)));
    Set<String> allowed = new LinkedHashSet<>(git.allowedNetworks());
    allowed.addAll(config.buildEgressAllowedNetworks());
    for (String cidr : allowed) {
      rules.add(
          new NetworkPolicyEgressRuleBuilder()
              .addNewTo()
              .withNewIpBlock()
              .withCidr(cidr)
              .endIpBlock()
              .endTo()
              .build());
    }
    return rules;
  }

  /**
   * Name lookups, to any address: the cluster's DNS Service is on a private address, and where its
   * pods run differs by distribution.
   */
  private static NetworkPolicyEgressRule dns() {
    return new NetworkPolicyEgressRuleBuilder()
        .addNewPort()
        .withProtocol("UDP")
        .withPort(new IntOrString(53))
        .endPort()
        .addNewPort()
        .withProtocol("TCP")
        .withPort(new IntOrString(53))
        .endPort()
        .build();
  }

  private static NetworkPolicyEgressRule internet(String cidr, List<String> except) {
    return new NetworkPolicyEgressRuleBuilder()
        .addNewTo()
        .withNewIpBlock()
        .withCidr(cidr)
        .withExcept(except)
        .endIpBlock()
        .endTo()
        .build();
  }
}
