package dev.lanes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppsCommandTest {

  @TempDir static Path dir;
  static CliHarness platform;

  @BeforeAll
  static void start() throws Exception {
    platform = CliHarness.start(dir, Map.of());
    assertThat(
            platform.lanes("apps", "create", "web", "--image-repo", "web", "--port", "8080").exit())
        .as("an app needs its image repo first")
        .isEqualTo(ExitCodes.NOT_FOUND);
    // an image repo through the API the CLI uses (its own command comes with the other resources)
    new ApiClient(Target.resolve(platform.env(), null, null, null))
        .send(
            "POST",
            "/image-repos/",
            ApiClient.JSON
                .createObjectNode()
                .put("name", "web")
                .put("registry", "registry.local/team/web")
                .put("git_repo", "file:///nowhere"),
            java.time.Duration.ofSeconds(10));
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void createsListsAsATableAndAsJsonThenDeletes() throws Exception {
    CliHarness.Run created =
        platform.lanes(
            "apps",
            "create",
            "api",
            "--image-repo",
            "web",
            "--port",
            "9090",
            "--env",
            "A=1",
            "--secret-env",
            "TOKEN=s3cret",
            "-o",
            "name");
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out()).isEqualTo("app/api\n");

    CliHarness.Run table = platform.lanes("apps", "list");
    assertThat(table.out())
        .isEqualTo("NAME   IMAGE REPO   PORT   REPLICAS\n" + "api    web          9090   1\n");

    CliHarness.Run json = platform.lanes("apps", "get", "api", "-o", "json");
    JsonNode app = ApiClient.JSON.readTree(json.out());
    assertThat(app.path("envs").path("A").asText()).isEqualTo("1");
    assertThat(json.out()).doesNotContain("s3cret");

    assertThat(platform.lanes("apps", "delete", "api").exit()).isZero();
    assertThat(platform.lanes("apps", "list").out()).isEqualTo("No apps found.\n");
  }

  @Test
  void exitCodesTellScriptsWhatWentWrong() {
    CliHarness.Run missing = platform.lanes("apps", "get", "ghost");
    assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).contains("app_not_found").doesNotContain("Exception");

    Map<String, String> wrongKey = new HashMap<>(platform.env());
    wrongKey.put("LANES_API_KEY", "lanes_wrong");
    CliHarness.Run denied = CliHarness.lanesWith(wrongKey, "apps", "list");
    assertThat(denied.exit()).isEqualTo(ExitCodes.AUTH);
    assertThat(denied.err()).doesNotContain("lanes_wrong");

    Map<String, String> nowhere = new HashMap<>(platform.env());
    nowhere.put("LANES_URL", "http://127.0.0.1:1");
    CliHarness.Run unreachable = CliHarness.lanesWith(nowhere, "apps", "list");
    assertThat(unreachable.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(unreachable.err()).contains("cannot reach the platform at http://127.0.0.1:1");

    assertThat(platform.lanes("apps", "frobnicate").exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(platform.lanes("apps", "list", "--colour").exit()).isEqualTo(ExitCodes.USAGE);
    CliHarness.Run badFormat = platform.lanes("apps", "list", "-o", "xml");
    assertThat(badFormat.exit()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void invalidFieldsAreReportedEachOnItsLine() {
    CliHarness.Run bad = platform.lanes("apps", "create", "Bad_Name", "--port", "70000");
    assertThat(bad.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(bad.err())
        .contains("validation_failed")
        .contains("\n  name: ")
        .contains("\n  port: ");
  }
}
