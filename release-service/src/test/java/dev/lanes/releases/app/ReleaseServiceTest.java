package dev.lanes.releases.app;

import static dev.lanes.releases.app.ReleaseFixture.NS;
import static dev.lanes.releases.app.ReleaseFixture.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseReason;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.releases.ReleaseRequest;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleaseServiceTest {

  private static final Duration LONG = Duration.ofSeconds(30);
  @TempDir static Path dir;
  private static ReleaseFixture f;

  @BeforeAll
  static void start() {
    f = new ReleaseFixture(dir);
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

  private static Release until(Release r, ReleaseStatus status) {
    await()
        .atMost(LONG)
        .untilAsserted(
            () -> {
              Release now = f.get(r.id());
              assertThat(now.status()).as("status (message: %s)", now.message()).isEqualTo(status);
            });
    return f.get(r.id());
  }

  private static Deployment deployment(String name) {
    return f.kube.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private static Service service(String name) {
    return f.kube.services().inNamespace(NS).withName(name).get();
  }

  @Test
  void aReleaseRollsOutItsDeploymentServiceAndSecret() {
    f.app(
        "web",
        8080,
        Map.of("LOG", "info", "REGION", "eu"),
        Map.of("DB_PASSWORD", "hunter2"),
        "abc1234");
    f.lane("dev");
    f.startService(Map.of());

    Release r =
        until(
            f.release("web", "dev", "abc1234", 2, Map.of("REGION", "us", "FLAG", "on")),
            ReleaseStatus.DEPLOYED);

    Deployment d = deployment("web-dev");
    assertThat(d.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry("lane", "dev")
        .containsEntry("app.kubernetes.io/managed-by", "lanes")
        .containsEntry("app.kubernetes.io/name", "web")
        .containsEntry("app.kubernetes.io/version", "abc1234");
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getRevisionHistoryLimit()).isPositive();
    var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("registry.local/web:abc1234");
    assertThat(c.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly("LOG", "FLAG", "REGION", "LANE", "APP_NAME", "VERSION");
    assertThat(c.getEnv())
        .filteredOn(e -> e.getName().equals("REGION"))
        .singleElement()
        .extracting(EnvVar::getValue)
        .isEqualTo("us");
    assertThat(c.getEnvFrom().get(0).getSecretRef().getName()).isEqualTo("web-secrets");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    Secret secret = f.kube.secrets().inNamespace(NS).withName("web-secrets").get();
    assertThat(
            new String(
                Base64.getDecoder().decode(secret.getData().get("DB_PASSWORD")),
                StandardCharsets.UTF_8))
        .isEqualTo("hunter2");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "lanes");
    Service s = service("web-dev");
    assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("app", "web", "lane", "dev"));
    assertThat(s.getSpec().getPorts().get(0).getName()).isEqualTo("http");
    assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(8080);
    assertThat(service("web")).isNull();
    assertThat(r.deployment()).isEqualTo("web-dev");
    await().atMost(LONG).until(() -> f.statuses(r.id()).contains("deployed@1"));
    assertThat(f.statuses(r.id())).containsExactly("pending@1", "progressing@1", "deployed@1");
  }

  @Test
  void prodAlsoGetsTheBaseServiceSelectingProdPods() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.startService(Map.of());

    until(f.release("web", "prod", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);

    Service base = service("web");
    assertThat(base.getSpec().getSelector()).isEqualTo(Map.of("app", "web", "lane", "prod"));
    assertThat(base.getMetadata().getLabels())
        .doesNotContainKey("lane")
        .containsEntry("app.kubernetes.io/managed-by", "lanes");
    assertThat(service("web-prod")).isNotNull();
  }

  @Test
  void aWorkerGetsNoServicesAndAPortChangedToZeroRemovesThem() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.startService(Map.of());
    Release r = until(f.release("web", "prod", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);
    assertThat(service("web-prod")).isNotNull();

    f.sql("update apps set port = 0 where name = 'web'", io.vertx.sqlclient.Tuple.tuple());
    Release worker = until(f.release("web", "prod", null, null, null), ReleaseStatus.DEPLOYED);

    assertThat(worker.revision()).isEqualTo(r.revision() + 1);
    await().atMost(LONG).until(() -> service("web-prod") == null && service("web") == null);
    assertThat(
            deployment("web-prod")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getReadinessProbe())
        .isNull();
  }

  @Test
  void applyingTheSameRevisionAgainChangesNothingInTheCluster() {
    f.app("web", 8080, Map.of(), Map.of("K", "v"), "abc1234");
    f.lane("dev");
    f.startService(Map.of());
    Release r = until(f.release("web", "dev", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);
    String dep = deployment("web-dev").getMetadata().getResourceVersion();
    String svc = service("web-dev").getMetadata().getResourceVersion();
    String sec =
        f.kube
            .secrets()
            .inNamespace(NS)
            .withName("web-secrets")
            .get()
            .getMetadata()
            .getResourceVersion();

    var command = f.events.isEmpty() ? null : r;
    assertThat(command).isNotNull();
    await(
        f.messaging.send(
            "lanes.commands.releases",
            dev.lanes.common.messaging.Message.of(
                "dev.lanes.release.apply",
                "/test",
                r.id().toString(),
                "web",
                new io.vertx.core.json.JsonObject()
                    .put("release_id", r.id().toString())
                    .put("revision", r.revision()))));

    assertThat(service("web-dev").getMetadata().getResourceVersion()).isEqualTo(svc);
    assertThat(
            f.kube
                .secrets()
                .inNamespace(NS)
                .withName("web-secrets")
                .get()
                .getMetadata()
                .getResourceVersion())
        .isEqualTo(sec);
    assertThat(deployment("web-dev").getMetadata().getGeneration()).isEqualTo(1L);
    assertThat(dep).isNotNull();
    assertThat(f.get(r.id()).status()).isEqualTo(ReleaseStatus.DEPLOYED);
  }

  @Test
  void releasingTheSameTagAgainIsDeployedAtOnceWithTheRolloutItWouldWaitFor() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.lane("dev");
    f.startService(Map.of());
    Release first = until(f.release("web", "dev", "abc1234", 2, Map.of()), ReleaseStatus.DEPLOYED);
    var rolledOut = deployment("web-dev").getStatus();

    Release again = f.release("web", "dev", "abc1234", 2, Map.of());

    assertThat(again.revision()).isEqualTo(first.revision() + 1);
    // nothing changed in the pod template: no rollout, so nothing to wait for
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> assertThat(f.get(again.id()).status()).isEqualTo(ReleaseStatus.DEPLOYED));
    Deployment d = deployment("web-dev");
    assertThat(d.getMetadata().getAnnotations())
        .containsEntry("lanes.dev/revision", Integer.toString(again.revision()));
    assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(rolledOut.getAvailableReplicas());
    assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
  }

  @Test
  void aCrashLoopFailsTheReleaseAndSaysWhy() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.lane("dev");
    f.startService(Map.of());

    Release failed =
        until(
            f.release("web", "dev", "abc1234", 1, Map.of("SANDBOX_CRASH", "1")),
            ReleaseStatus.FAILED);

    assertThat(failed.reason()).isEqualTo(ReleaseReason.CRASH_LOOP);
    assertThat(failed.message())
        .startsWith("pod web-dev-")
        .contains("CrashLoopBackOff")
        .contains("exit code 1");
  }

  @Test
  void anImageThatCannotBePulledFailsTheRelease() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.lane("dev");
    f.startService(Map.of());

    Release failed =
        until(
            f.release("web", "dev", "abc1234", 1, Map.of("SANDBOX_IMAGE_PULL_ERROR", "1")),
            ReleaseStatus.FAILED);

    assertThat(failed.reason()).isEqualTo(ReleaseReason.IMAGE_PULL_FAILED);
    assertThat(failed.message()).containsAnyOf("ErrImagePull", "ImagePullBackOff");
    await().atMost(LONG).until(() -> f.statuses(failed.id()).contains("failed@1"));
    assertThat(
            f.events.stream()
                .filter(m -> m.subject().equals(failed.id().toString()))
                .map(m -> m.data())
                .filter(d -> "failed".equals(d.getString("status")))
                .map(d -> d.getString("reason")))
        .containsExactly("image_pull_failed");
  }

  @Test
  void aRolloutPastItsDeadlineFails() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.lane("dev");
    f.startService(Map.of("RELEASE_TIMEOUT", "2s"));

    Release failed =
        until(
            f.release("web", "dev", "abc1234", 1, Map.of("SANDBOX_NOT_READY", "1")),
            ReleaseStatus.FAILED);

    assertThat(failed.reason()).isEqualTo(ReleaseReason.PROGRESS_DEADLINE_EXCEEDED);
    assertThat(failed.message())
        .contains("RELEASE_TIMEOUT (2s)")
        .contains("ProgressDeadlineExceeded");
  }

  @Test
  void aRollbackIsANewRevisionOfAnEarlierOne() {
    f.app("web", 8080, Map.of(), Map.of(), "aaa1111", "bbb2222");
    f.startService(Map.of());
    Release first =
        until(f.release("web", "prod", "aaa1111", 1, Map.of("A", "1")), ReleaseStatus.DEPLOYED);
    Map<String, String> change = new java.util.HashMap<>();
    change.put("A", null); // deletes A
    change.put("B", "2");
    Release second = until(f.release("web", "prod", "bbb2222", 3, change), ReleaseStatus.DEPLOYED);
    assertThat(second.envs()).containsExactly(Map.entry("B", "2"));

    Release back =
        until(
            await(f.intake.rollback(ReleaseFixture.actor(), first.id(), null)),
            ReleaseStatus.DEPLOYED);

    assertThat(back.revision()).isEqualTo(3);
    assertThat(back.tag()).isEqualTo("aaa1111");
    assertThat(back.replicas()).isEqualTo(1);
    assertThat(back.envs()).containsExactly(Map.entry("A", "1"));
    assertThat(
            deployment("web-prod")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .endsWith(":aaa1111");
    assertThat(await(f.releases.history(back.id())))
        .extracting(rev -> rev.revision() + " " + rev.cause())
        .containsExactly("3 rollback to revision 1", "2 change", "1 release");
    ClientError missing =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ClientError.class,
            () -> await(f.intake.rollback(ReleaseFixture.actor(), back.id(), 9)));
    assertThat(missing.code().code()).isEqualTo("revision_not_found");
  }

  @Test
  void aRolloutThatEndsWhileTheServiceIsDownIsFoundAtStartUp() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.lane("dev");
    f.startService(Map.of());
    Release r = f.release("web", "dev", "abc1234", 2, Map.of());
    await().atMost(LONG).until(() -> f.get(r.id()).status() == ReleaseStatus.PROGRESSING);

    f.stopService();
    await()
        .atMost(LONG)
        .until(
            () -> {
              var s = deployment("web-dev").getStatus();
              return s != null && Integer.valueOf(2).equals(s.getAvailableReplicas());
            });
    assertThat(f.get(r.id()).status()).isEqualTo(ReleaseStatus.PROGRESSING);
    f.startService(Map.of());

    until(r, ReleaseStatus.DEPLOYED);
  }

  @Test
  void aDeploymentDeletedOrEditedByHandGetsWhatLanesOwnsBack() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.lane("dev");
    f.startService(Map.of());
    Release r = until(f.release("web", "dev", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);
    String uid = deployment("web-dev").getMetadata().getUid();

    f.kube.apps().deployments().inNamespace(NS).withName("web-dev").delete();

    await()
        .atMost(LONG)
        .until(
            () ->
                deployment("web-dev") != null
                    && !uid.equals(deployment("web-dev").getMetadata().getUid()));
    assertThat(until(r, ReleaseStatus.DEPLOYED).revision()).isEqualTo(1);

    // an edit of the spec (here the image) is undone; a label someone added stays. Like kubectl
    // edit, the edit is tried again when the controller wrote the Deployment's status in between
    // (409: the object has been modified)
    await()
        .atMost(LONG)
        .ignoreExceptionsInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
        .until(
            () -> {
              f.kube
                  .apps()
                  .deployments()
                  .inNamespace(NS)
                  .withName("web-dev")
                  .edit(
                      d -> {
                        d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .setImage("evil:latest");
                        d.getMetadata().getLabels().put("team", "web");
                        return d;
                      });
              return true;
            });
    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(
                        deployment("web-dev")
                            .getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .getImage())
                    .endsWith(":abc1234"));
    assertThat(deployment("web-dev").getMetadata().getLabels()).containsEntry("team", "web");
    assertThat(until(r, ReleaseStatus.DEPLOYED).revision()).isEqualTo(1);
  }

  @Test
  void racingChangesKeepRevisionsConsecutiveAndTheLastOneWins() {
    f.app("web", 8080, Map.of(), Map.of(), "aaa1111", "bbb2222");
    f.lane("dev");
    f.startService(Map.of());
    var a =
        f.intake.release(
            ReleaseFixture.actor(),
            new ReleaseRequest("web", "dev", "aaa1111", 1, Map.of(), false));
    var b =
        f.intake.release(
            ReleaseFixture.actor(),
            new ReleaseRequest("web", "dev", "bbb2222", 1, Map.of(), false));
    Release ra = await(a);
    Release rb = await(b);

    assertThat(List.of(ra.revision(), rb.revision())).containsExactlyInAnyOrder(1, 2);
    Release last = ra.revision() == 2 ? ra : rb;
    Release done = until(last, ReleaseStatus.DEPLOYED);
    assertThat(done.revision()).isEqualTo(2);
    assertThat(
            deployment("web-dev")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .endsWith(":" + last.tag());
  }

  @Test
  void anObjectLanesDoesNotManageIsNeverTouched() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.lane("dev");
    f.kube
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("web-dev")
                .withNamespace(NS)
                .addToLabels("owner", "someone-else")
                .endMetadata()
                .withNewSpec()
                .addToSelector("x", "y")
                .addNewPort()
                .withPort(1234)
                .endPort()
                .endSpec()
                .build())
        .create();
    f.startService(Map.of());

    Release failed = until(f.release("web", "dev", "abc1234", 1, Map.of()), ReleaseStatus.FAILED);

    assertThat(failed.reason()).isEqualTo(ReleaseReason.NAME_CONFLICT);
    assertThat(failed.message())
        .contains("a Service named web-dev exists in prod and Lanes does not manage it");
    Service untouched = service("web-dev");
    assertThat(untouched.getMetadata().getLabels())
        .containsEntry("owner", "someone-else")
        .doesNotContainKey("app.kubernetes.io/managed-by");
    assertThat(untouched.getSpec().getPorts().get(0).getPort()).isEqualTo(1234);

    await(f.intake.delete(ReleaseFixture.actor(), failed.id()));
    await()
        .atMost(LONG)
        .until(
            () ->
                f.releases
                        .get(failed.id())
                        .otherwise(e -> null)
                        .timeout(5, java.util.concurrent.TimeUnit.SECONDS)
                        .await()
                    == null);
    assertThat(service("web-dev")).isNotNull();
  }

  @Test
  void undeployingRemovesTheObjectsAndTheSecretWithTheLastRelease() {
    f.app("web", 8080, Map.of(), Map.of("K", "v"), "abc1234");
    f.lane("dev");
    f.startService(Map.of());
    Release dev = until(f.release("web", "dev", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);
    Release prod = until(f.release("web", "prod", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);

    await(f.intake.delete(ReleaseFixture.actor(), dev.id()));
    await().atMost(LONG).until(() -> deployment("web-dev") == null && service("web-dev") == null);
    assertThat(f.kube.secrets().inNamespace(NS).withName("web-secrets").get()).isNotNull();

    await(f.intake.delete(ReleaseFixture.actor(), prod.id()));
    await()
        .atMost(LONG)
        .until(
            () ->
                deployment("web-prod") == null
                    && service("web") == null
                    && f.kube.secrets().inNamespace(NS).withName("web-secrets").get() == null);
    await()
        .atMost(LONG)
        .until(
            () ->
                f.events.stream().filter(m -> m.type().equals("dev.lanes.release.deleted")).count()
                    == 2);
  }

  @Test
  void deletingALaneUndeploysItsReleasesThenRemovesIt() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.app("api", 9090, Map.of(), Map.of(), "abc1234");
    f.lane("feature-x");
    f.startService(Map.of());
    until(f.release("web", "feature-x", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);
    until(f.release("api", "feature-x", "abc1234", 1, Map.of()), ReleaseStatus.DEPLOYED);

    var lane = await(f.lanes.delete(ReleaseFixture.actor(), "feature-x"));

    assertThat(lane.status()).isEqualTo("deleting");
    await()
        .atMost(LONG)
        .until(
            () ->
                await(
                            f.database
                                .pool()
                                .query("select count(*) from lanes where name = 'feature-x'")
                                .execute())
                        .iterator()
                        .next()
                        .getLong(0)
                    == 0);
    assertThat(deployment("web-feature-x")).isNull();
    assertThat(deployment("api-feature-x")).isNull();
    assertThat(f.events.stream().map(m -> m.type()))
        .contains("dev.lanes.lane.deleting", "dev.lanes.lane.deleted");
  }

  @Test
  void anExpiredLaneIsDeletedWithItsReleases() {
    f.app("web", 8080, Map.of(), Map.of(), "abc1234");
    f.sql(
        "insert into lanes (name, ttl_seconds, created_at) values ('short', 60, now() - interval '2 minutes')",
        io.vertx.sqlclient.Tuple.tuple());
    f.sql(
        "update lanes set status = 'active' where name = 'short'",
        io.vertx.sqlclient.Tuple.tuple());
    Release r = f.release("web", "short", "abc1234", 1, Map.of());
    f.startService(Map.of());

    await()
        .atMost(LONG)
        .until(
            () ->
                await(
                            f.database
                                .pool()
                                .query("select count(*) from lanes where name = 'short'")
                                .execute())
                        .iterator()
                        .next()
                        .getLong(0)
                    == 0);
    assertThat(
            await(
                    f.database
                        .pool()
                        .query("select count(*) from releases where id = '" + r.id() + "'")
                        .execute())
                .iterator()
                .next()
                .getLong(0))
        .isZero();
    assertThat(
            count(
                "select count(*) from audit_log where action = 'lane.expire' and resource_id ="
                    + " 'short' and actor_name = 'system:lane-expiry' and actor_key_id is null"))
        .isEqualTo(1);
  }

  @Test
  void theLeaderPrunesAuditEntriesOlderThanTheirRetention() {
    String insert =
        "insert into audit_log (at, actor_name, action, resource, resource_id, outcome) values"
            + " (now() - make_interval(days => $1), 'test', 'app.create', 'app', $2, 'succeeded')";
    f.sql("delete from audit_log", io.vertx.sqlclient.Tuple.tuple());
    f.sql(insert, io.vertx.sqlclient.Tuple.of(11, "old"));
    f.sql(insert, io.vertx.sqlclient.Tuple.of(9, "recent"));

    f.startService(Map.of("AUDIT_RETENTION", "10d"));

    await()
        .atMost(LONG)
        .until(() -> count("select count(*) from audit_log where resource_id = 'old'") == 0);
    assertThat(count("select count(*) from audit_log where resource_id = 'recent'")).isEqualTo(1);
  }

  private long count(String sql) {
    return await(f.database.pool().query(sql).execute()).iterator().next().getLong(0);
  }
}
