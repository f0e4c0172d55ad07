package dev.lanes.sandbox.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.sandbox.api.SandboxApiServer;
import dev.lanes.sandbox.kubelet.PodLogStore;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controllers alone on an API server, with no kubelet: a Job's pod stays as the controller made
 * it until the test, playing the kubelet, writes its status.
 */
class JobControllerTest {

  private static final String NS = "paas-builds";
  private static final String NODE = "node-1";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static SandboxApiServer server;
  private static KubernetesClient client;
  private static Controllers controllers;

  @BeforeAll
  static void start() {
    server = SandboxApiServer.start(0, new PodLogStore());
    client = server.newClient();
    controllers = Controllers.start(client, NODE, Duration.ofMillis(30));
  }

  @AfterAll
  static void stop() {
    controllers.close();
    client.close();
    server.close();
  }

  private static Job create(String name, Long deadline, Integer ttl) {
    return client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NS)
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withActiveDeadlineSeconds(deadline)
                .withTtlSecondsAfterFinished(ttl)
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("kaniko")
                .withImage("gcr.io/kaniko-project/executor")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private static Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private static List<Pod> pods(String job) {
    return client.pods().inNamespace(NS).withLabel("job-name", job).list().getItems();
  }

  private static Pod onlyPod(String job) {
    await().atMost(WAIT).until(() -> pods(job).size() == 1);
    return pods(job).get(0);
  }

  /** What the kubelet would write when the pod's container ends. */
  private static void podEnded(Pod pod, String phase, String reason) {
    client
        .pods()
        .inNamespace(NS)
        .withName(pod.getMetadata().getName())
        .editStatus(
            p ->
                new PodBuilder(p)
                    .editOrNewStatus()
                    .withPhase(phase)
                    .withReason(reason)
                    .endStatus()
                    .build());
  }

  private static String condition(String name) {
    Job job = job(name);
    return job == null || job.getStatus() == null || job.getStatus().getConditions() == null
        ? null
        : job.getStatus().getConditions().stream()
            .map(c -> c.getType() + "/" + c.getReason())
            .findFirst()
            .orElse(null);
  }

  @Test
  void aJobGetsOnePodBoundToTheNodeAndOwnedByIt() {
    Job job = create("one", 600L, null);

    Pod pod = onlyPod("one");

    assertThat(pod.getSpec().getNodeName()).isEqualTo(NODE);
    assertThat(pod.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry("job-name", "one")
        .containsEntry("batch.kubernetes.io/job-name", "one");
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Job");
              assertThat(o.getUid()).isEqualTo(job.getMetadata().getUid());
              assertThat(o.getController()).isTrue();
            });
    await().atMost(WAIT).until(() -> job("one").getStatus() != null);
    assertThat(job("one").getStatus().getStartTime()).isNotNull();
    assertThat(job("one").getStatus().getActive()).isEqualTo(1);
  }

  @Test
  void thePodIsLeftToTheKubelet() {
    create("waiting", null, null);
    Pod pod = onlyPod("waiting");

    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> "Pending".equals(onlyPod("waiting").getStatus().getPhase()));
    assertThat(onlyPod("waiting").getStatus().getContainerStatuses()).isNullOrEmpty();
    assertThat(condition("waiting")).isNull();
    assertThat(pod.getMetadata().getName()).startsWith("waiting-");
  }

  @Test
  void aJobWhosePodSucceededIsComplete() {
    create("done", null, null);

    podEnded(onlyPod("done"), "Succeeded", null);

    await().atMost(WAIT).until(() -> "Complete/null".equals(condition("done")));
    assertThat(job("done").getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job("done").getStatus().getActive()).isZero();
    assertThat(job("done").getStatus().getCompletionTime()).isNotNull();
  }

  @Test
  void aJobWhosePodFailedHasReachedItsBackoffLimit() {
    create("broken", null, null);

    podEnded(onlyPod("broken"), "Failed", null);

    await().atMost(WAIT).until(() -> "Failed/BackoffLimitExceeded".equals(condition("broken")));
    assertThat(job("broken").getStatus().getFailed()).isEqualTo(1);
  }

  @Test
  void aJobWhosePodWasStoppedAtItsDeadlineFailsWithDeadlineExceeded() {
    create("late", 1L, null);

    podEnded(onlyPod("late"), "Failed", "DeadlineExceeded");

    await().atMost(WAIT).until(() -> "Failed/DeadlineExceeded".equals(condition("late")));
  }

  @Test
  void aFinishedJobIsDeletedAfterItsTtlWithItsPod() {
    create("brief", null, 1);

    podEnded(onlyPod("brief"), "Succeeded", null);

    await().atMost(WAIT).until(() -> job("brief") == null && pods("brief").isEmpty());
  }

  @Test
  void deletingAJobDeletesItsPods() {
    create("doomed", null, null);
    onlyPod("doomed");

    client.batch().v1().jobs().inNamespace(NS).withName("doomed").delete();

    await().atMost(WAIT).until(() -> pods("doomed").isEmpty());
  }
}
