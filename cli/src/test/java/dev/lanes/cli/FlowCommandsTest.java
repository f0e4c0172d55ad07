package dev.lanes.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flows ({@code deploy}, {@code self-deploy}, {@code release}, {@code rollback}, {@code
 * history}, {@code undeploy}, {@code status}, {@code events}, {@code routes}) against a real
 * platform on the sandbox cluster, building a local git repository.
 */
class FlowCommandsTest {

  @TempDir static Path dir;
  static CliHarness platform;
  static ApiClient api;

  @BeforeAll
  static void start() throws Exception {
    Path repo = dir.resolve("web");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      commit(git, repo, "FROM alpine\nRUN echo hello\n");
      git.branchCreate().setName("slow").call();
      git.checkout().setName("slow").call();
      commit(git, repo, "FROM alpine\n# sandbox: sleep 20s\nRUN echo slow\n");
    }
    platform = CliHarness.start(dir, Map.of());
    api = new ApiClient(Target.resolve(platform.env(), null, null, null));
    // an image repo per app: a commit built once is reused, without a new log
    for (String app : new String[] {"web", "api", "crash", "lanes-gateway", "slow", "pause"}) {
      post(
          "/image-repos/",
          "{\"name\":\""
              + app
              + "\",\"registry\":\"registry.local/team/"
              + app
              + "\",\"git_repo\":\"file://"
              + repo
              + "\"}");
      post("/apps/", "{\"name\":\"" + app + "\",\"image_repo\":\"" + app + "\",\"port\":8080}");
    }
    for (String lane : new String[] {"dev", "qa", "hist"}) {
      post("/lanes/", "{\"name\":\"" + lane + "\"}");
    }
  }

  private static void commit(Git git, Path repo, String dockerfile) throws Exception {
    Files.writeString(repo.resolve("Dockerfile"), dockerfile);
    git.add().addFilepattern(".").call();
    git.commit().setMessage("c").setAuthor("t", "t@e.com").setCommitter("t", "t@e.com").call();
  }

  private static JsonNode post(String path, String json) throws Exception {
    return api.send("POST", path, ApiClient.JSON.readTree(json), Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  @Test
  void deployShowsTheBuildLogReleasesAndStatusShowsTheAppInTheLane() throws Exception {
    CliHarness.Run deploy = platform.lanes("deploy", "web", "--lane", "dev");
    assertThat(deploy.exit()).as(deploy.err()).isZero();
    assertThat(deploy.out())
        .contains("Retrieving build context from file://")
        .contains("Pushing image to registry.local/team/web:");
    assertThat(deploy.err()).contains(": succeeded (").contains(": deployed (");
    String tag = api.get("/apps/web/builds/latest").path("tag").asText();
    assertThat(deploy.out()).endsWith("deployed web " + tag + " to lane dev (revision 1)\n");

    CliHarness.Run status = platform.lanes("status", "web");
    assertThat(status.out())
        .isEqualTo(
            "APP   LANE   TAG       STATUS     READY\n"
                + "web   dev    "
                + tag
                + "   deployed   1/1\n");
    JsonNode json =
        ApiClient.JSON.readTree(platform.lanes("status", "web", "-o", "json").out().getBytes());
    assertThat(json.get(0).path("ready_replicas").asInt()).isEqualTo(1);

    String registry = "http://127.0.0.1:" + platform.registryPort();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(platform.lanes("routes", "--registry", registry).out())
                    .containsPattern("(?m)^web +dev +8080$"));
    CliHarness.Run watched =
        platform.lanes("routes", "--watch", "--limit", "1", "--registry", registry, "-o", "json");
    assertThat(watched.exit()).as(watched.err()).isZero();
    assertThat(watched.out()).contains("\"lanes\" : [ \"dev\" ]");
  }

  @Test
  void aFailingRolloutExitsOneWithTheReason() {
    CliHarness.Run deploy =
        platform.lanes("deploy", "crash", "--lane", "qa", "--env", "SANDBOX_CRASH=1");
    assertThat(deploy.exit()).as(deploy.err()).isEqualTo(ExitCodes.FAILED);
    assertThat(deploy.err())
        .contains("release crash/qa revision 1 failed (crash_loop): ")
        .contains("CrashLoopBackOff");
  }

  @Test
  void aWaitThatRunsOutExitsThreeAndSaysTheBuildGoesOn() {
    CliHarness.Run deploy =
        platform.lanes("deploy", "slow", "--lane", "dev", "--ref", "slow", "--wait", "1s");
    assertThat(deploy.exit()).as(deploy.err()).isEqualTo(ExitCodes.TIMEOUT);
    assertThat(deploy.err()).contains("after 1s; it keeps running on the platform");
  }

  @Test
  void anInterruptedDeployTellsHowToFollowTheBuild() throws Exception {
    StringWriter err = new StringWriter();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread t =
        new Thread(
            () ->
                exit.set(
                    LanesCli.run(
                        new String[] {"deploy", "pause", "--lane", "dev", "--ref", "slow"},
                        new PrintWriter(new StringWriter()),
                        new PrintWriter(err, true),
                        platform.env())));
    t.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> err.toString().contains(": running ("));
    t.interrupt();
    t.join(10_000);
    String id = api.list("/apps/pause/builds/").get(0).path("id").asText();
    assertThat(exit.get()).isEqualTo(Interruption.EXIT);
    assertThat(err.toString())
        .contains("interrupted: build " + id + " of pause keeps running on the platform")
        .contains("lanes builds logs pause " + id + " -f");
  }

  @Test
  void selfDeployReleasesProdThroughBlueThenBlueThroughProd() {
    CliHarness.Run self = platform.lanes("self-deploy");
    assertThat(self.exit()).as(self.err()).isZero();
    assertThat(self.err())
        .containsSubsequence(
            "1/3 build lanes-gateway at main (through blue)",
            "2/3 release ",
            "release lanes-gateway/prod revision 1",
            "3/3 release ",
            "release lanes-gateway/blue revision 1");
    String status = platform.lanes("status", "lanes-gateway").out();
    assertThat(status).containsPattern("lanes-gateway +blue .* deployed +1/1\n");
    assertThat(status).containsPattern("lanes-gateway +prod .* deployed +1/1\n");

    CliHarness.Run missing = platform.lanes("self-deploy", "--app", "ghost");
    assertThat(missing.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(missing.err()).contains("the platform's own app 'ghost' is not registered");
  }

  @Test
  void releaseRollbackHistoryAndUndeploy() throws Exception {
    assertThat(platform.lanes("deploy", "api", "--lane", "hist").exit()).isZero();
    JsonNode latest =
        ApiClient.JSON.readTree(platform.lanes("latest-build", "api", "-o", "json").out());
    String tag = latest.path("tag").asText();

    CliHarness.Run release =
        platform.lanes(
            "release", "api", "--lane", "hist", "--tag", tag, "--replicas", "2", "--wait");
    assertThat(release.exit()).as(release.err()).isZero();
    assertThat(release.out())
        .isEqualTo("release api/hist revision 2 (tag " + tag + "): deployed\n");

    CliHarness.Run rollback = platform.lanes("rollback", "api", "--lane", "hist", "--wait=30s");
    assertThat(rollback.exit()).as(rollback.err()).isZero();
    assertThat(rollback.out()).contains("revision 3").contains("deployed");

    CliHarness.Run history = platform.lanes("history", "api", "--lane", "hist");
    assertThat(history.out().lines())
        .hasSize(4)
        .satisfies(l -> assertThat(l.get(0)).startsWith("REVISION   TAG       REPLICAS   CAUSE"))
        .satisfies(l -> assertThat(l.get(1)).contains("rollback to revision 1").contains("   1   "))
        .satisfies(l -> assertThat(l.get(2)).startsWith("2 ").contains("   2   "));

    CliHarness.Run undeploy = platform.lanes("undeploy", "api", "--lane", "hist", "--wait");
    assertThat(undeploy.exit()).as(undeploy.err()).isZero();
    assertThat(platform.lanes("status", "api").out()).isEqualTo("No releases found.\n");
    assertThat(platform.lanes("history", "api", "--lane", "hist").exit())
        .isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void eventsReplaysWhatIsKeptAndFollowsNewOnes() throws Exception {
    post("/lanes/", "{\"name\":\"evt-one\"}");
    CliHarness.Run kept = platform.lanes("events", "--types", "lane");
    assertThat(kept.exit()).as(kept.err()).isZero();
    assertThat(kept.out()).containsPattern("(?m)^\\d+  \\S+  lane\\.created  name=evt-one");

    Map<String, String> env = new HashMap<>(platform.env());
    CliHarness.Run[] followed = new CliHarness.Run[1];
    Thread t =
        new Thread(
            () ->
                followed[0] =
                    CliHarness.lanesWith(
                        env,
                        "events",
                        "--follow",
                        "--types",
                        "lane",
                        "--limit",
                        "1",
                        "-o",
                        "json"));
    t.start();
    // the stream starts with the next event: create lanes until the follower has seen one
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(300))
        .until(
            () -> {
              if (t.isAlive()) {
                post("/lanes/", "{\"name\":\"evt-" + System.nanoTime() % 100000 + "\"}");
              }
              return !t.isAlive();
            });
    assertThat(followed[0].exit()).isZero();
    JsonNode event = ApiClient.JSON.readTree(followed[0].out());
    assertThat(event.path("type").asText()).isEqualTo("dev.lanes.lane.created");
    assertThat(followed[0].out().lines()).hasSize(1);
  }

  @Test
  void routesFromADeadRegistrySayWhichUrlAndHowToSetItAndExitOne() {
    Map<String, String> env = new HashMap<>(platform.env());
    env.put("LANES_REGISTRY_URL", "http://127.0.0.1:1/");

    for (String[] args : new String[][] {{"routes"}, {"routes", "--watch"}}) {
      CliHarness.Run run = CliHarness.lanesWith(env, args);

      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.FAILED);
      assertThat(run.err())
          .startsWith(
              "error: cannot reach the route registry at http://127.0.0.1:1/v1/routes"
                  + (args.length > 1 ? "/stream" : "")
                  + " (connection refused or timed out); the URL is LANES_REGISTRY_URL; give the"
                  + " registry's with --registry URL, LANES_REGISTRY_URL or lanes config"
                  + " set-context NAME --registry-url URL")
          .doesNotContain("Exception");
    }
  }

  @Test
  void routesWithoutAConfiguredRegistryTryTheApisHostOnPort8081() {
    Map<String, String> env = new HashMap<>(platform.env());
    env.put("LANES_URL", "http://nothing.invalid:8080");

    CliHarness.Run run = CliHarness.lanesWith(env, "routes");

    assertThat(run.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err())
        .startsWith(
            "error: cannot reach the route registry at http://nothing.invalid:8081/v1/routes")
        .contains("the URL is the API's host (http://nothing.invalid:8080) on port 8081");
  }

  @Test
  void routesReadTheRegistryOfTheFlagTheEnvironmentOrTheContext() {
    String registry = "http://127.0.0.1:" + platform.registryPort();
    Map<String, String> fromEnv = new HashMap<>(platform.env());
    fromEnv.put("LANES_REGISTRY_URL", registry);
    CliHarness.Run viaEnv = CliHarness.lanesWith(fromEnv, "routes");
    assertThat(viaEnv.exit()).as(viaEnv.err()).isZero();

    fromEnv.put("LANES_REGISTRY_URL", "http://127.0.0.1:1");
    CliHarness.Run flagWins = CliHarness.lanesWith(fromEnv, "routes", "--registry", registry);
    assertThat(flagWins.exit()).as(flagWins.err()).isZero();

    Map<String, String> fromContext = new HashMap<>(platform.env());
    fromContext.remove("LANES_URL");
    fromContext.put("LANES_CONFIG", dir.resolve("routes-config.yaml").toString());
    CliHarness.Run set =
        CliHarness.lanesWith(
            fromContext,
            "config",
            "set-context",
            "here",
            "--server",
            platform.url(),
            "--registry-url",
            registry);
    assertThat(set.exit()).as(set.err()).isZero();
    CliHarness.Run viaContext = CliHarness.lanesWith(fromContext, "routes");
    assertThat(viaContext.exit()).as(viaContext.err()).isZero();
  }
}
