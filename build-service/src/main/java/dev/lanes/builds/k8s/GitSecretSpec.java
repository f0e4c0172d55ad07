package dev.lanes.builds.k8s;

import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * The Secret {@code {repo}-git} in the build namespace from which build pods read an image repo's
 * git credentials, so that no Job or Pod spec carries them: HTTPS ones through {@code
 * secretKeyRef}, SSH ones as the files of a volume ({@link GitCloneSpec}). Pure.
 */
public final class GitSecretSpec {

  public static final String USERNAME_KEY = "username";
  public static final String PASSWORD_KEY = "password";

  /** The key the {@code kubernetes.io/ssh-auth} Secret type requires. */
  public static final String SSH_PRIVATE_KEY = "ssh-privatekey";

  public static final String KNOWN_HOSTS_KEY = "known_hosts";

  private final String namespace;

  public GitSecretSpec(String namespace) {
    this.namespace = namespace;
  }

  public Secret desired(String imageRepo, GitCredentials credentials) {
    return credentials.isSsh() ? ssh(imageRepo, credentials) : basic(imageRepo, credentials);
  }

  /** For the init container that clones: mounted as files, read by {@code ssh} itself. */
  private Secret ssh(String imageRepo, GitCredentials credentials) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(LaneNames.gitSecret(imageRepo))
        .withNamespace(namespace)
        .withLabels(LaneLabels.forGitSecret(imageRepo).toMap())
        .endMetadata()
        .withType("kubernetes.io/ssh-auth")
        // OpenSSH refuses a key file whose last line has no line break
        .addToStringData(SSH_PRIVATE_KEY, withFinalNewline(credentials.privateKey()))
        .addToStringData(KNOWN_HOSTS_KEY, withFinalNewline(credentials.knownHosts()))
        .build();
  }

  private static String withFinalNewline(String text) {
    return text.endsWith("\n") ? text : text + "\n";
  }

  private Secret basic(String imageRepo, GitCredentials credentials) {
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
