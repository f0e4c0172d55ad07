package dev.lanes.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lanes builds} and {@code lanes releases} on a real platform: the sandbox's simulated
 * Kaniko builds a local git repository with a branch that builds, one that fails and one that takes
 * its time.
 */
class BuildsAndReleasesCommandTest {

  @TempDir static Path dir;
  static CliHarness platform;
  static String mainTag;
  static JsonNode mainBuild;

  @BeforeAll
  static void start() throws Exception {
    Path repo = dir.resolve("web");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      mainTag = commit(git, repo, "FROM alpine\nRUN echo hello\n").substring(0, 7);
      git.checkout().setCreateBranch(true).setName("broken").call();
      commit(git, repo, "FROM alpine\nRUN false\n");
      git.checkout().setName("main").call();
      git.checkout().setCreateBranch(true).setName("slow").call();
      commit(git, repo, "FROM alpine\n# sandbox: sleep 30s\n");
    }
    platform = CliHarness.start(dir, Map.of());
    ok(
        "image-repos",
        "create",
        "web",
        "--registry",
        "registry.local/team/web",
        "--git-repo",
        "file://" + repo);
    for (String app : new String[] {"web", "broken", "slow"}) {
      ok("apps", "create", app, "--image-repo", "web", "--port", "8080");
    }
    ok("lanes", "create", "dev");
    mainBuild =
        ApiClient.JSON.readTree(
            ok("builds", "start", "web", "--ref", "main", "--wait", "60s", "-o", "json").out());
  }

  private static String commit(Git git, Path repo, String dockerfile) throws Exception {
    Files.writeString(repo.resolve("Dockerfile"), dockerfile);
    git.add().addFilepattern(".").call();
    return git.commit()
        .setMessage("c")
        .setAuthor("t", "t@e.com")
        .setCommitter("t", "t@e.com")
        .call()
        .getName();
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  static CliHarness.Run ok(String... args) {
    CliHarness.Run run = platform.lanes(args);
    assertThat(run.exit()).as(String.join(" ", args) + ": " + run.err()).isZero();
    return run;
  }

  @Test
  void buildStartWaitsForTheBuildAndListShowsIt() {
    assertThat(mainBuild.path("status").asText()).isEqualTo("succeeded");
    assertThat(mainBuild.path("tag").asText()).isEqualTo(mainTag);
    String id = mainBuild.path("id").asText();

    assertThat(ResourceCommandsTest.ages(ok("builds", "list", "web").out()))
        .isEqualTo(
            "ID                                     STATUS      REF    TAG       AGE\n"
                + id
                + "   succeeded   main   "
                + mainTag
                + "   Ns\n");
    assertThat(ok("builds", "get", "web", "latest", "-o", "name").out())
        .isEqualTo("build/" + id + "\n");
    assertThat(ok("builds", "get", "web", id, "-o", "wide").out())
        .contains("registry.local/team/web:" + mainTag);
  }

  @Test
  void aFailedBuildExitsWithOne() {
    CliHarness.Run run =
        platform.lanes("builds", "start", "broken", "--ref", "broken", "--wait", "60s");
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.out()).contains(" failed ");
    assertThat(run.err()).contains("exit status 1").contains("lanes builds logs broken ");
  }

  @Test
  void aBuildOutlastingTheWaitExitsWithThreeAndCanBeCancelled() throws Exception {
    CliHarness.Run run =
        platform.lanes("builds", "start", "slow", "--ref", "slow", "--wait", "1s", "-o", "json");
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(run.err()).contains("is still ");
    String id = ApiClient.JSON.readTree(run.out()).path("id").asText();

    JsonNode cancelled =
        ApiClient.JSON.readTree(ok("builds", "cancel", "slow", id, "-o", "json").out());
    assertThat(cancelled.path("status").asText()).isEqualTo("cancelled");
    assertThat(platform.lanes("builds", "cancel", "slow", id).exit())
        .as("build_finished")
        .isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void releasesCreateWaitsListsShowsTheRolloutAndCopyThroughYaml() throws Exception {
    JsonNode prod =
        ApiClient.JSON.readTree(
            ok(
                    "releases",
                    "create",
                    "web",
                    "--lane",
                    "prod",
                    "--tag",
                    mainTag,
                    "--wait",
                    "60s",
                    "-o",
                    "json")
                .out());
    assertThat(prod.path("status").asText()).isEqualTo("deployed");
    String id = prod.path("id").asText();

    assertThat(ResourceCommandsTest.ages(ok("releases", "list", "--lane", "prod").out()))
        .isEqualTo(
            "ID                                     APP   LANE   TAG       REVISION   STATUS     AGE\n"
                + id
                + "   web   prod   "
                + mainTag
                + "   1          deployed   Ns\n");
    assertThat(ok("releases", "list", "--app", "web", "-o", "name").out())
        .contains("release/" + id + "\n");

    String status = ok("releases", "status", id).out();
    assertThat(status)
        .startsWith(
            "DEPLOYMENT   DESIRED   UPDATED   READY   AVAILABLE\nweb-prod     1         1         1       1\n\nPOD ")
        .contains("web-prod-")
        .contains(mainTag);
    JsonNode rollout = ApiClient.JSON.readTree(ok("releases", "status", id, "-o", "json").out());
    assertThat(rollout.path("pods").size()).isEqualTo(1);

    Path yaml = dir.resolve("release.yaml");
    Files.writeString(yaml, ok("releases", "get", id, "-o", "yaml").out());
    JsonNode dev =
        ApiClient.JSON.readTree(
            ok(
                    "releases",
                    "create",
                    "-f",
                    yaml.toString(),
                    "--lane",
                    "dev",
                    "--wait",
                    "60s",
                    "-o",
                    "json")
                .out());
    assertThat(dev.path("lane").asText()).isEqualTo("dev");
    assertThat(dev.path("tag").asText()).isEqualTo(mainTag);
    assertThat(dev.path("status").asText()).isEqualTo("deployed");
  }

  @Test
  void aFailedRolloutExitsWithOne() {
    ok("lanes", "create", "crash");
    CliHarness.Run run =
        platform.lanes(
            "releases",
            "create",
            "web",
            "--lane",
            "crash",
            "--tag",
            mainTag,
            "--env",
            "SANDBOX_CRASH=1",
            "--wait",
            "60s");
    assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err()).contains("CrashLoopBackOff").contains("lanes releases status ");
  }

  @Test
  void aFileWithEmptyEnvsClearsTheEnvsOfTheLanesRelease() throws Exception {
    ok("lanes", "create", "envs-src");
    ok("lanes", "create", "envs-dst");
    String src =
        ApiClient.JSON
            .readTree(
                ok(
                        "releases",
                        "create",
                        "web",
                        "--lane",
                        "envs-src",
                        "--tag",
                        mainTag,
                        "-o",
                        "json")
                    .out())
            .path("id")
            .asText();
    // the qa: a release whose envs make it fail
    ok(
        "releases",
        "create",
        "web",
        "--lane",
        "envs-dst",
        "--tag",
        mainTag,
        "--env",
        "SANDBOX_IMAGE_PULL_ERROR=1");
    Path yaml = dir.resolve("envs-src.yaml");
    Files.writeString(yaml, ok("releases", "get", src, "-o", "yaml").out());
    assertThat(Files.readString(yaml)).contains("envs: {}");

    JsonNode dst =
        ApiClient.JSON.readTree(
            ok(
                    "releases",
                    "create",
                    "-f",
                    yaml.toString(),
                    "--lane",
                    "envs-dst",
                    "--wait",
                    "60s",
                    "-o",
                    "json")
                .out());

    assertThat(dst.path("envs").size()).as(dst.toString()).isZero();
    assertThat(dst.path("status").asText()).isEqualTo("deployed");
  }

  @Test
  void aFilesEnvsReplaceTheReleasesAndFlagsWinOverThem() throws Exception {
    ok("lanes", "create", "envs-flags");
    ok(
        "releases",
        "create",
        "web",
        "--lane",
        "envs-flags",
        "--tag",
        mainTag,
        "--env",
        "OLD=1",
        "--env",
        "KEEP=0");
    Path yaml = dir.resolve("envs-flags.yaml");
    Files.writeString(
        // quoted: a tag of digits (and one "e") is a number to YAML
        yaml, "app: web\nlane: envs-flags\ntag: '" + mainTag + "'\nenvs: {KEEP: '1', B: '1'}\n");

    JsonNode release =
        ApiClient.JSON.readTree(
            ok("releases", "create", "-f", yaml.toString(), "--env", "B=2", "-o", "json").out());

    assertThat(release.path("envs"))
        .isEqualTo(ApiClient.JSON.readTree("{\"B\": \"2\", \"KEEP\": \"1\"}"));
  }

  @Test
  void logsOfABuildThatFailedBeforeItsJobPrintTheMessageAndExitOne() throws Exception {
    CliHarness.Run start =
        platform.lanes(
            "builds", "start", "broken", "--ref", "no-such-ref", "--wait", "60s", "-o", "json");
    assertThat(start.exit()).as(start.err()).isEqualTo(ExitCodes.FAILED);
    JsonNode build = ApiClient.JSON.readTree(start.out());
    String message = build.path("message").asText();
    assertThat(message).isNotEmpty();
    assertThat(build.path("reason").asText()).isEqualTo("ref_not_found");
    assertThat(start.err())
        .contains("error: build " + build.path("id").asText() + " failed (ref_not_found): ");

    for (String[] args :
        new String[][] {
          {"builds", "logs", "broken", build.path("id").asText()},
          {"builds", "logs", "broken", build.path("id").asText(), "-f"}
        }) {
      CliHarness.Run logs = platform.lanes(args);
      assertThat(logs.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.FAILED);
      assertThat(logs.err())
          .contains(
              "error: build " + build.path("id").asText() + " failed (ref_not_found): " + message);
    }
  }

  @Test
  void followingTheLogOfABuildThatIsCancelledExitsOne() throws Exception {
    String id =
        ApiClient.JSON
            .readTree(ok("builds", "start", "slow", "--ref", "slow", "--force", "-o", "json").out())
            .path("id")
            .asText();
    CompletableFuture<CliHarness.Run> follow =
        CompletableFuture.supplyAsync(() -> platform.lanes("builds", "logs", "slow", id, "-f"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                ApiClient.JSON
                    .readTree(ok("builds", "get", "slow", id, "-o", "json").out())
                    .path("status")
                    .asText()
                    .equals("running"));
    ok("builds", "cancel", "slow", id);

    CliHarness.Run logs = follow.get(30, TimeUnit.SECONDS);

    assertThat(logs.exit()).as(logs.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(logs.err()).contains("error: build " + id + " cancelled");
  }

  @Test
  void logsOfASucceededBuildExitZero() {
    CliHarness.Run logs = platform.lanes("builds", "logs", "web", mainBuild.path("id").asText());
    assertThat(logs.exit()).as(logs.err()).isZero();
    assertThat(logs.out()).contains("RUN echo hello");
    assertThat(logs.err()).isEmpty();
  }
}
