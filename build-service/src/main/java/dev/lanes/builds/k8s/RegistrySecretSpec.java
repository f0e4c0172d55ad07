package dev.lanes.builds.k8s;

import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The Secret {@code {repo}-registry} in the build namespace: the image repo's registry credentials
 * as a {@code .dockerconfigjson}, mounted for the builder in place of the platform's {@code
 * REGISTRY_SECRET}. Pure.
 */
public final class RegistrySecretSpec {

  public static final String TYPE = "kubernetes.io/dockerconfigjson";
  public static final String KEY = ".dockerconfigjson";

  private final String namespace;

  public RegistrySecretSpec(String namespace) {
    this.namespace = namespace;
  }

  /**
   * @param image the repo's registry ({@code host/path}): a user name and password log in there
   */
  public Secret desired(String imageRepo, String image, RegistryCredentials credentials) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(LaneNames.registrySecret(imageRepo))
        .withNamespace(namespace)
        .withLabels(LaneLabels.forRegistrySecret(imageRepo).toMap())
        .endMetadata()
        .withType(TYPE)
        .addToStringData(KEY, credentials.dockerConfigJson(RegistryCredentials.registryHost(image)))
        .build();
  }
}
