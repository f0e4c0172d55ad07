package dev.lanes.builds.k8s;

import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The Secret {@code {repo}-git} in the build namespace from which build pods read an image repo's
 * git credentials ({@code secretKeyRef}), so that no Job or Pod spec carries them. Pure.
 */
public final class GitSecretSpec {

  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";

  private final String namespace;

  public GitSecretSpec(String namespace) {
    this.namespace = namespace;
  }

  public Secret desired(String imageRepo, GitCredentials credentials) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(LaneNames.gitSecret(imageRepo))
        .withNamespace(namespace)
        .withLabels(LaneLabels.forGitSecret(imageRepo).toMap())
        .endMetadata()
        .withType("kubernetes.io/basic-auth")
        // stringData: the API server encodes it; the values never pass through a log of ours
        .addToStringData(USERNAME_KEY, credentials.username())
        .addToStringData(PASSWORD_KEY, credentials.password())
        .build();
  }
}
