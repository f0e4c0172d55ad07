package dev.lanes.builds.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.domain.GitCredentials;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GitSecretSpecTest {

  private final Secret secret =
      new GitSecretSpec("paas-builds")
          .desired("web", GitCredentials.basic("x-access-token", "ghp_canary"));

  @Test
  void isNamedAfterTheImageRepoInTheBuildNamespace() {
    assertThat(secret.getMetadata().getName()).isEqualTo("web-git");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("paas-builds");
  }

  @Test
  void isLabelledAsLanesManagesItForItsImageRepo() {
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "lanes")
        .containsEntry("app.kubernetes.io/component", "git-credentials")
        .containsEntry("lanes.dev/image-repo", "web");
  }

  @Test
  void holdsTheUserNameAndPasswordUnderTheKeysTheJobRefersTo() {
    assertThat(secret.getType()).isEqualTo("kubernetes.io/basic-auth");
    assertThat(secret.getStringData())
        .isEqualTo(Map.of("username", "x-access-token", "password", "ghp_canary"));
    assertThat(secret.getData()).isNullOrEmpty();
  }

  @Test
  void holdsAnSshKeyAndKnownHostsAsTheSshAuthTypeWantsThemEachEndingALine() {
    Secret ssh =
        new GitSecretSpec("paas-builds")
            .desired("web", GitCredentials.ssh("-----BEGIN KEY-----\nabc", "h ssh-ed25519 AAAA\n"));

    assertThat(ssh.getMetadata().getName()).isEqualTo("web-git");
    assertThat(ssh.getType()).isEqualTo("kubernetes.io/ssh-auth");
    assertThat(ssh.getStringData())
        .isEqualTo(
            Map.of(
                "ssh-privatekey", "-----BEGIN KEY-----\nabc\n",
                "known_hosts", "h ssh-ed25519 AAAA\n"));
  }
}
