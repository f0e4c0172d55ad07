package dev.lanes.common.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RulesTest {

  private static boolean name(String value) {
    return Rules.checkName(new Validation(), "name", value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"web", "a", "feature-x", "a1", "web-2-api"})
  void acceptsDnsLabelsAsNames(String value) {
    assertThat(name(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Web", "1web", "web-", "-web", "we_b", "we.b", "wéb", "web app"})
  void rejectsNamesThatAreNotDnsLabels(String value) {
    assertThat(name(value)).isFalse();
  }

  @Test
  void acceptsSixtyThreeCharactersButNotSixtyFour() {
    assertThat(name("a".repeat(63))).isTrue();
    Validation v = new Validation();
    assertThat(Rules.checkName(v, "name", "a".repeat(64))).isFalse();
    assertThat(v.errors().get(0).message()).contains("at most 63");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "team/web",
        "Team-1/web.api_v2",
        "https://github.com/team/web.git",
        "git://git.example.com/team/web",
        "https://git.example.com:8443/group/sub/web",
        "ssh://git@github.com/team/web",
        "ssh://git@git.example.com:2222/team/web.git",
        "git@github.com:team/web.git"
      })
  void acceptsGithubShorthandAndHttpsGitOrSshUrls(String value) {
    assertThat(Rules.checkGitRepo(new Validation(), "git_repo", value, false)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "web",
        "http://github.com/team/web",
        "ssh://git:pw@github.com/team/web",
        "ssh://github.com/team/web",
        "git@-oProxyCommand=x:team/web.git",
        "https://user:token@github.com/team/web",
        "https://github.com/team/web#main",
        "https://github.com",
        "file:///srv/git/web",
        "/srv/git/web",
        "team/web/extra"
      })
  void rejectsOtherGitRepos(String value) {
    assertThat(Rules.checkGitRepo(new Validation(), "git_repo", value, false)).isFalse();
  }

  @Test
  void acceptsFileUrlsOnlyWhenLocalGitIsAllowed() {
    assertThat(Rules.checkGitRepo(new Validation(), "g", "file:///srv/git/web", true)).isTrue();
    assertThat(Rules.checkGitRepo(new Validation(), "g", "file://host/srv/web", true)).isFalse();
    assertThat(Rules.checkGitRepo(new Validation(), "g", "file:///srv/git/web", false)).isFalse();
  }

  @Test
  void acceptsPlainHttpUrlsOnlyWhenLocalGitIsAllowed() {
    String url = "http://127.0.0.1:8418/team/web.git";
    assertThat(Rules.checkGitRepo(new Validation(), "g", url, true)).isTrue();
    assertThat(Rules.checkGitRepo(new Validation(), "g", url, false)).isFalse();
    assertThat(Rules.checkGitRepo(new Validation(), "g", "http://u:p@127.0.0.1/web", true))
        .isFalse();
  }

  @Test
  void neverRepeatsCredentialsOfAGitUrlInItsMessage() {
    Validation v = new Validation();
    Rules.checkGitRepo(v, "git_repo", "https://bob:s3cret@example.com/team/web", false);
    assertThat(v.errors())
        .singleElement()
        .satisfies(e -> assertThat(e.message()).doesNotContain("s3cret"));
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "app", "./app", "services/web", "docker/Dockerfile.prod"})
  void acceptsRelativePaths(String value) {
    assertThat(Rules.checkRelativePath(new Validation(), "context_dir", value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/app", "..", "../app", "app/../../etc", "a\\..\\b", "C:/x", "a\nb"})
  void rejectsAbsolutePathsAndEscapes(String value) {
    assertThat(Rules.checkRelativePath(new Validation(), "context_dir", value)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "harbor.local:30002/team/web",
        "team/web",
        "web",
        "registry.example.com/a/b/c",
        "localhost:5000/web"
      })
  void acceptsImageRepositoriesWithoutTag(String value) {
    assertThat(Rules.checkImageRepository(new Validation(), "registry", value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "web:latest",
        "harbor.local:30002/team/web:v1",
        "web@sha256:abc",
        "Team/Web",
        "harbor.local:30002",
        "https://harbor.local/web",
        ""
      })
  void rejectsImageReferencesWithTagsOrOtherShapes(String value) {
    assertThat(Rules.checkImageRepository(new Validation(), "registry", value)).isFalse();
  }

  @Test
  void parsesQuantitiesAsKubernetesDoes() {
    assertThat(Rules.quantityValue("250m")).isEqualByComparingTo(new BigDecimal("0.25"));
    assertThat(Rules.quantityValue("1")).isEqualByComparingTo(BigDecimal.ONE);
    assertThat(Rules.quantityValue("256Mi")).isEqualByComparingTo(BigDecimal.valueOf(256L << 20));
    assertThat(Rules.quantityValue("1G")).isEqualByComparingTo(new BigDecimal("1000000000"));
    assertThat(Rules.quantityValue("1e3")).isEqualByComparingTo(new BigDecimal("1000"));
    assertThat(Rules.checkQuantity(new Validation(), "cpu", "250 m")).isFalse();
    assertThat(Rules.checkQuantity(new Validation(), "cpu", "-1")).isFalse();
    assertThat(Rules.checkQuantity(new Validation(), "cpu", "1Zi")).isFalse();
  }

  @Test
  void reservesTheVariablesThePlatformSets() {
    for (String reserved : new String[] {"LANE", "APP_NAME", "VERSION"}) {
      assertThat(Rules.checkEnvName(new Validation(), "envs", reserved)).isFalse();
    }
    assertThat(Rules.checkEnvName(new Validation(), "envs", "DATABASE_URL")).isTrue();
    assertThat(Rules.checkEnvName(new Validation(), "envs", "_x1")).isTrue();
    assertThat(Rules.checkEnvName(new Validation(), "envs", "1X")).isFalse();
    assertThat(Rules.checkEnvName(new Validation(), "envs", "A-B")).isFalse();
    assertThat(Rules.checkEnvName(new Validation(), "envs", "A=B")).isFalse();
  }

  @Test
  void checksPortsHealthPathsAndServiceAccounts() {
    assertThat(Rules.checkPort(new Validation(), "port", 0)).isTrue();
    assertThat(Rules.checkPort(new Validation(), "port", 65535)).isTrue();
    assertThat(Rules.checkPort(new Validation(), "port", 65536)).isFalse();
    assertThat(Rules.checkPort(new Validation(), "port", -1)).isFalse();
    assertThat(Rules.checkHealthPath(new Validation(), "h", "/healthz")).isTrue();
    assertThat(Rules.checkHealthPath(new Validation(), "h", "healthz")).isFalse();
    assertThat(Rules.checkHealthPath(new Validation(), "h", "/a b")).isFalse();
    assertThat(Rules.checkServiceAccount(new Validation(), "sa", "deploy-api")).isTrue();
    assertThat(Rules.checkServiceAccount(new Validation(), "sa", "Deploy")).isFalse();
  }
}
