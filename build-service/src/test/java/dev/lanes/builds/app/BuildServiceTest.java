package dev.lanes.builds.app;

import static dev.lanes.builds.app.BuildFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.builds.BuildMessages;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.BuildStatus;
import dev.lanes.common.k8s.KubeClients;
import dev.lanes.common.k8s.KubeConfig;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.Message;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildServiceTest {

  private static final Duration LONG = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static BuildFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = new BuildFixture(dir);
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @BeforeEach
  void clean() {
    f.stopService();
    f.clean();
  }

  private static Build until(Build b, BuildStatus status) {
    await().atMost(LONG).until(() -> f.get(b).status() == status);
    return f.get(b);
  }

  /** The data of the status event that reported {@code build} failed. */
  private static io.vertx.core.json.JsonObject failedEvent(Build build) {
    await().atMost(LONG).until(() -> f.statuses(build.id()).contains("failed"));
    return f.events.stream()
        .filter(m -> m.subject().equals(build.id().toString()))
        .map(Message::data)
        .filter(d -> "failed".equals(d.getString("status")))
        .findFirst()
        .orElseThrow();
  }

  private static List<Job> jobs() {
    return f.kube.batch().v1().jobs().inNamespace("paas-builds").list().getItems();
  }

  private static String savedLog(Build b) {
    var rows =
        await(
            f.database
                .pool()
                .query("select log from build_logs where build_id = '" + b.id() + "'")
                .execute());
    return rows.size() == 0 ? null : rows.iterator().next().getString(0);
  }

  @Test
  void aBranchIsBuiltIntoAnImageTaggedWithItsShortCommit() throws Exception {
    String commit = f.repo("web", "FROM alpine\nRUN echo hi\n");
    f.app("web", "web");
    f.startService(Map.of());

    Build done = until(f.request("web", "main", false), BuildStatus.SUCCEEDED);

    assertThat(done.commit()).isEqualTo(commit);
    assertThat(done.tag()).isEqualTo(commit.substring(0, 7));
    assertThat(done.image()).isEqualTo("registry.local/team/web:" + commit.substring(0, 7));
    assertThat(done.digest()).matches("sha256:[0-9a-f]{64}");
    assertThat(done.startedAt()).isNotNull();
    assertThat(done.finishedAt()).isAfterOrEqualTo(done.startedAt());
    assertThat(savedLog(done)).contains("RUN echo hi").contains("Pushed");
    await().atMost(LONG).until(() -> f.statuses(done.id()).contains("succeeded"));
    assertThat(f.statuses(done.id())).containsExactly("pending", "queued", "running", "succeeded");
    Message event =
        f.events.stream()
            .filter(m -> m.subject().equals(done.id().toString()))
            .reduce((a, b) -> b)
            .orElseThrow();
    assertThat(event.type()).isEqualTo(BuildMessages.STATUS);
    assertThat(event.source()).isEqualTo("/lanes/build-service");
    assertThat(event.data().getString("digest")).isEqualTo(done.digest());
    Job job = jobs().get(0);
    assertThat(job.getMetadata().getName()).isEqualTo(done.jobName());
    assertThat(job.getMetadata().getLabels())
        .containsEntry("lanes.dev/build-id", done.id().toString());
  }

  @Test
  void reusesTheImageOfTheSameCommitUnlessForced() throws Exception {
    f.repo("web", "FROM alpine\n");
    f.app("web", "web");
    f.startService(Map.of());
    Build first = until(f.request("web", "main", false), BuildStatus.SUCCEEDED);

    Build again = until(f.request("web", "main", false), BuildStatus.SUCCEEDED);
    Build forced = until(f.request("web", "main", true), BuildStatus.SUCCEEDED);

    assertThat(again.reusedFrom()).isEqualTo(first.id());
    assertThat(again.digest()).isEqualTo(first.digest());
    assertThat(again.message()).contains("reused the image of build " + first.id());
    assertThat(forced.reusedFrom()).isNull();
    assertThat(jobs()).hasSize(2);
  }

  @Test
  void aRefThatDoesNotExistFailsTheBuildAndSaysWhich() throws Exception {
    f.repo("web", "FROM alpine\n");
    f.app("web", "web");
    f.startService(Map.of());

    Build failed = until(f.request("web", "release/9.9", false), BuildStatus.FAILED);

    assertThat(failed.reason()).isEqualTo(BuildReason.REF_NOT_FOUND);
    assertThat(failed.message()).contains("ref 'release/9.9' not found");
    assertThat(jobs()).isEmpty();
    assertThat(failedEvent(failed).getString("reason")).isEqualTo("ref_not_found");
    assertThat(failedEvent(failed).getString("message")).isEqualTo(failed.message());
  }

  @Test
  void aCommitWithoutItsDockerfileFailsAsKanikoWould() throws Exception {
    String commit = f.repo("nodocker", null);
    f.app("nodocker", "nodocker");
    f.startService(Map.of());

    Build failed = until(f.request("nodocker", "main", false), BuildStatus.FAILED);

    assertThat(failed.reason()).isEqualTo(BuildReason.DOCKERFILE_MISSING);
    assertThat(failed.message())
        .startsWith("Kaniko exited with code 1")
        .contains("Dockerfile does not exist at " + commit.substring(0, 7));
    assertThat(savedLog(failed)).contains("error building image");
  }

  @Test
  void aBuildOverItsDeadlineFails() throws Exception {
    f.repo("slow", "FROM alpine\n# sandbox: sleep 20s\n");
    f.app("slow", "slow");
    f.startService(Map.of("BUILD_TIMEOUT", "1s"));

    Build failed = until(f.request("slow", "main", false), BuildStatus.FAILED);

    assertThat(failed.reason()).isEqualTo(BuildReason.DEADLINE_EXCEEDED);
    assertThat(failed.message()).contains("BUILD_TIMEOUT").contains("DeadlineExceeded");
  }

  @Test
  void runsAtMostTheConcurrencyLimitAndTheOldestFirst() throws Exception {
    f.repo("q", "FROM alpine\n# sandbox: sleep 700ms\n");
    f.app("q", "q");
    f.startService(Map.of("BUILD_CONCURRENCY", "1"));
    AtomicInteger most = new AtomicInteger();
    List<Build> requested = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      requested.add(f.request("q", "main", true));
    }

    await()
        .atMost(LONG)
        .until(
            () -> {
              long active =
                  jobs().stream()
                      .filter(
                          j ->
                              j.getStatus() == null
                                  || j.getStatus().getConditions() == null
                                  || j.getStatus().getConditions().isEmpty())
                      .count();
              most.accumulateAndGet((int) active, Math::max);
              return requested.stream().allMatch(b -> f.get(b).status() == BuildStatus.SUCCEEDED);
            });

    assertThat(most.get()).isEqualTo(1);
    List<Instant> starts = requested.stream().map(b -> f.get(b).startedAt()).toList();
    assertThat(starts).isSortedAccordingTo(Comparator.naturalOrder());
    assertThat(f.statuses(requested.get(2).id())).contains("queued", "running", "succeeded");
  }

  @Test
  void cancellingDeletesTheJobAndKeepsTheLog() throws Exception {
    f.repo("web", "FROM alpine\nRUN echo started\n# sandbox: sleep 30s\n");
    f.app("web", "web");
    f.startService(Map.of());
    Build running = until(f.request("web", "main", false), BuildStatus.RUNNING);
    await()
        .atMost(LONG)
        .until(
            () ->
                f
                    .sandbox
                    .logs()
                    .read(
                        "paas-builds",
                        f.kube
                            .pods()
                            .inNamespace("paas-builds")
                            .list()
                            .getItems()
                            .get(0)
                            .getMetadata()
                            .getName())
                    .stream()
                    .anyMatch(l -> l.text().contains("started")));

    Build cancelled = await(f.intake.cancel(BuildFixture.actor(), "web", running.id()));

    assertThat(cancelled.status()).isEqualTo(BuildStatus.CANCELLED);
    assertThat(cancelled.reason()).isEqualTo(BuildReason.CANCELLED);
    await().atMost(LONG).until(() -> jobs().isEmpty());
    await().atMost(LONG).until(() -> savedLog(cancelled) != null);
    assertThat(savedLog(cancelled)).contains("RUN echo started");
    assertThat(f.get(cancelled).status()).isEqualTo(BuildStatus.CANCELLED);
  }

  @Test
  void aRequestDeliveredTwiceMakesOneBuild() throws Exception {
    // a replica that committed the build and died before acknowledging the request: the request
    // reaches another replica, with the same change id
    f.repo("web", "FROM alpine\n");
    f.app("web", "web");
    dev.lanes.common.audit.Actor once = BuildFixture.actor();

    Build first =
        await(
            f.intake.request(
                once, "web", "main", true, dev.lanes.common.builds.BuildOverrides.NONE));
    Throwable again =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                await(
                    f.intake.request(
                        once, "web", "main", true, dev.lanes.common.builds.BuildOverrides.NONE)));

    assertThat(again)
        .isInstanceOfSatisfying(
            dev.lanes.common.error.ClientError.class,
            e ->
                assertThat(e.code()).isEqualTo(dev.lanes.common.error.ErrorCode.DUPLICATE_REQUEST));
    assertThat(
            await(f.database.pool().query("select id from builds").execute())
                .iterator()
                .next()
                .getUUID(0))
        .isEqualTo(first.id());
    assertThat(
            await(f.database.pool().query("select count(*) from builds").execute())
                .iterator()
                .next()
                .getLong(0))
        .as("one build, its change recorded once")
        .isEqualTo(1);
  }

  @Test
  void aJobDeletedByHandFailsItsBuild() throws Exception {
    f.repo("web", "FROM alpine\n# sandbox: sleep 30s\n");
    f.app("web", "web");
    f.startService(Map.of());
    Build running = until(f.request("web", "main", false), BuildStatus.RUNNING);

    f.kube.batch().v1().jobs().inNamespace("paas-builds").withName(running.jobName()).delete();

    Build failed = until(running, BuildStatus.FAILED);
    assertThat(failed.reason()).isEqualTo(BuildReason.JOB_DELETED);
    assertThat(failed.message()).contains("was deleted before the build finished");
  }

  @Test
  void aBuildThatFinishedWhileTheServiceWasDownIsNotLeftRunning() throws Exception {
    f.repo("web", "FROM alpine\n# sandbox: sleep 1s\n");
    f.app("web", "web");
    f.startService(Map.of());
    Build running = until(f.request("web", "main", false), BuildStatus.RUNNING);

    f.stopService();
    await()
        .atMost(LONG)
        .until(
            () -> {
              Job job =
                  f.kube
                      .batch()
                      .v1()
                      .jobs()
                      .inNamespace("paas-builds")
                      .withName(running.jobName())
                      .get();
              return job.getStatus().getSucceeded() != null && job.getStatus().getSucceeded() == 1;
            });
    assertThat(f.get(running).status()).isEqualTo(BuildStatus.RUNNING);
    f.startService(Map.of());

    Build done = until(running, BuildStatus.SUCCEEDED);
    assertThat(done.digest()).startsWith("sha256:");
  }

  /**
   * Issue 13's poison message: a well-formed dev.lanes.build.requested whose build_id is not a
   * UUID, keyed by the app, was retried every 30 s for ever and held back the app's next build
   * until the periodic reconcile. It is given up at once; the next build goes through at once.
   */
  @Test
  void aBuildCommandWhoseIdIsNotAUuidIsADeadLetterAndTheAppsNextBuildGoesOn() throws Exception {
    f.repo("web", "FROM alpine\n");
    f.app("web", "web");
    // no periodic reconcile to rescue the build within the test
    f.startService(
        BuildFixture.config(Map.of()),
        f.kube,
        new BuildServiceVerticle.Tuning(
            Duration.ofMillis(100), Duration.ofHours(1), BuildFixture.FAST.retry()));
    Message poison =
        Message.of(
            BuildMessages.REQUESTED,
            "/lanes/api-gateway",
            "not-a-uuid",
            "web",
            new io.vertx.core.json.JsonObject().put("build_id", "not-a-uuid"));

    await(f.messaging.send(Channels.BUILD_COMMANDS, poison));
    Instant asked = Instant.now();
    Build done = until(f.request("web", "main", false), BuildStatus.SUCCEEDED);

    assertThat(Duration.between(asked, Instant.now())).isLessThan(Duration.ofSeconds(20));
    var letters =
        await(
            f.database
                .pool()
                .query(
                    "select consumer, message_id, error_class, error, attempts from dead_letters")
                .execute());
    assertThat(letters.size()).isEqualTo(1);
    var letter = letters.iterator().next();
    assertThat(letter.getString("consumer")).isEqualTo("build-service");
    assertThat(letter.getString("message_id")).isEqualTo(poison.id());
    assertThat(letter.getString("error_class")).endsWith("MalformedMessage");
    assertThat(letter.getString("error")).isEqualTo("data.build_id: not a UUID: 'not-a-uuid'");
    assertThat(letter.getInteger("attempts")).isEqualTo(1);
    assertThat(done.status()).isEqualTo(BuildStatus.SUCCEEDED);
  }

  @Test
  void aRedeliveredCommandDoesNothingTwice() throws Exception {
    f.repo("web", "FROM alpine\n");
    f.app("web", "web");
    f.startService(Map.of());
    Build done = until(f.request("web", "main", false), BuildStatus.SUCCEEDED);
    await().atMost(LONG).until(() -> f.statuses(done.id()).contains("succeeded"));
    var row =
        await(
                f.database
                    .pool()
                    .query(
                        "select payload from outbox where event_type = '"
                            + BuildMessages.REQUESTED
                            + "'")
                    .execute())
            .iterator()
            .next();
    Message original =
        Message.fromCloudEvent(row.getJsonObject("payload").getJsonObject("message"));
    int eventsBefore = f.events.size();

    await(f.messaging.send(Channels.BUILD_COMMANDS, original));
    await(f.messaging.send(Channels.BUILD_COMMANDS, original));

    assertThat(jobs()).hasSize(1);
    assertThat(f.get(done)).isEqualTo(done);
    assertThat(f.events).hasSize(eventsBefore);
  }

  @Test
  void whileTheKubernetesApiStaysAwayTheBuildFailsWithWhyInsteadOfWaitingForEver()
      throws Exception {
    f.repo("web", "FROM alpine\n");
    f.app("web", "web");
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    Path kubeconfig = dir.resolve("dead-kubeconfig");
    Files.writeString(
        kubeconfig,
        Files.readString(dir.resolve("kubeconfig")).replace(":" + f.sandbox.port(), ":" + dead));
    KubernetesClient away = KubeClients.create(f.vertx, KubeConfig.of(kubeconfig));
    try {
      f.startService(BuildFixture.config(Map.of()), away);

      Build failed = until(f.request("web", "main", false), BuildStatus.FAILED);

      assertThat(failed.reason()).isEqualTo(BuildReason.KUBERNETES_UNAVAILABLE);
      assertThat(failed.message())
          .startsWith("could not create the build Job in 3 attempts")
          .contains("not reachable");
    } finally {
      f.stopService();
      away.close();
    }
  }

  private static io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy egressPolicy() {
    return f.kube
        .network()
        .v1()
        .networkPolicies()
        .inNamespace("paas-builds")
        .withName("lanes-build-egress")
        .get();
  }

  @Test
  void buildPodsGetAnEgressPolicyThatRefusesPrivateNetworksAndItIsPutBackWhenDeleted() {
    f.startService(Map.of("GIT_ALLOWED_NETWORKS", "10.1.0.0/16"));

    await().atMost(LONG).until(() -> egressPolicy() != null);
    var policy = egressPolicy();
    assertThat(policy.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "lanes");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "build");
    assertThat(policy.getSpec().getEgress())
        .anySatisfy(
            r ->
                assertThat(r.getTo())
                    .anySatisfy(
                        to -> {
                          assertThat(to.getIpBlock().getCidr()).isEqualTo("0.0.0.0/0");
                          assertThat(to.getIpBlock().getExcept())
                              .contains("10.0.0.0/8", "169.254.0.0/16");
                        }))
        .anySatisfy(
            r ->
                assertThat(r.getTo())
                    .anySatisfy(
                        to -> assertThat(to.getIpBlock().getCidr()).isEqualTo("10.1.0.0/16")));

    f.kube.resource(policy).delete();
    await().atMost(LONG).until(() -> egressPolicy() != null);
  }

  @Test
  void aNetworkPolicyOfThatNameLanesDoesNotManageIsLeftUntouched() {
    f.kube
        .network()
        .v1()
        .networkPolicies()
        .inNamespace("paas-builds")
        .resource(
            new io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder()
                .withNewMetadata()
                .withName("lanes-build-egress")
                .addToLabels("owner", "someone-else")
                .endMetadata()
                .withNewSpec()
                .withNewPodSelector()
                .addToMatchLabels("app", "theirs")
                .endPodSelector()
                .endSpec()
                .build())
        .create();

    f.startService(Map.of());

    // several reconcile rounds (every 500 ms here) go by without touching it
    await()
        .during(Duration.ofSeconds(2))
        .atMost(LONG)
        .until(
            () ->
                egressPolicy()
                        .getSpec()
                        .getPodSelector()
                        .getMatchLabels()
                        .equals(Map.of("app", "theirs"))
                    && !egressPolicy()
                        .getMetadata()
                        .getLabels()
                        .containsKey("app.kubernetes.io/managed-by"));
  }
}
