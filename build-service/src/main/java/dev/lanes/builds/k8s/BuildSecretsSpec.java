package dev.lanes.builds.k8s;

import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;

/**
 * The Secret {@code {repo}-build-secrets} in the build namespace: an image repo's build secrets,
 * one key per secret, which BuildKit reads through {@code secretKeyRef} and mounts for the {@code
 * RUN} steps that ask ({@code --mount=type=secret,id=NAME}). Pure.
 */
public final class BuildSecretsSpec {

  private final String namespace;

  public BuildSecretsSpec(String namespace) {
    this.namespace = namespace;
  }

  public Secret desired(String imageRepo, Map<String, String> secrets) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(LaneNames.buildSecrets(imageRepo))
        .withNamespace(namespace)
        .withLabels(LaneLabels.forBuildSecrets(imageRepo).toMap())
        .endMetadata()
        .withType("Opaque")
        // stringData: the API server encodes it; the values never pass through a log of ours
        .withStringData(Map.copyOf(secrets))
        .build();
  }
}
