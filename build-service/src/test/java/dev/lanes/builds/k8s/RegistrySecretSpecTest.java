package dev.lanes.builds.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.json.Json;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrySecretSpecTest {

  private final RegistrySecretSpec spec = new RegistrySecretSpec("paas-builds");

  @Test
  void aUserAndPasswordLogInToTheHostOfTheReposRegistry() throws Exception {
    Secret s =
        spec.desired(
            "web", "harbor.local:30002/team/web", RegistryCredentials.basic("robot$t", "pw"));

    assertThat(s.getMetadata().getName()).isEqualTo("web-registry");
    assertThat(s.getMetadata().getNamespace()).isEqualTo("paas-builds");
    assertThat(s.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "lanes")
        .containsEntry("app.kubernetes.io/component", "registry-credentials")
        .containsEntry("lanes.dev/image-repo", "web");
    assertThat(s.getType()).isEqualTo("kubernetes.io/dockerconfigjson");
    assertThat(s.getData()).isNullOrEmpty();
    JsonNode entry =
        Json.MAPPER
            .readTree(s.getStringData().get(".dockerconfigjson"))
            .path("auths")
            .path("harbor.local:30002");
    assertThat(entry.path("username").asText()).isEqualTo("robot$t");
    assertThat(entry.path("password").asText()).isEqualTo("pw");
    assertThat(
            new String(
                Base64.getDecoder().decode(entry.path("auth").asText()), StandardCharsets.UTF_8))
        .isEqualTo("robot$t:pw");
  }

  @Test
  void aBareImageNameLogsInToDockerHub() throws Exception {
    Secret s = spec.desired("web", "team/web", RegistryCredentials.basic("me", "pw"));

    assertThat(
            Json.MAPPER
                .readTree(s.getStringData().get(".dockerconfigjson"))
                .path("auths")
                .has("https://index.docker.io/v1/"))
        .isTrue();
  }

  @Test
  void aDockerConfigIsKeptAsGiven() throws Exception {
    Map<String, Map<String, String>> auths =
        Map.of("ghcr.io", Map.of("auth", "dTpw"), "quay.io", Map.of("identitytoken", "t"));

    Secret s =
        spec.desired("web", "harbor.local/team/web", RegistryCredentials.dockerConfig(auths));

    JsonNode doc = Json.MAPPER.readTree(s.getStringData().get(".dockerconfigjson"));
    assertThat(doc.path("auths").path("ghcr.io").path("auth").asText()).isEqualTo("dTpw");
    assertThat(doc.path("auths").path("quay.io").path("identitytoken").asText()).isEqualTo("t");
    assertThat(doc.path("auths").has("harbor.local")).isFalse();
  }

  @Test
  void neitherTheRecordNorItsMaskedFormPrintsAPassword() {
    RegistryCredentials creds = RegistryCredentials.basic("robot", "s3cret-pw");

    assertThat(creds.toString()).doesNotContain("s3cret-pw");
    assertThat(creds.masked().password()).isEqualTo("***");
  }
}
