package dev.lanes.sandbox.controllers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.sandbox.api.SandboxApiServer;
import dev.lanes.sandbox.kubelet.PodLogStore;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The controllers alone on an API server, with no kubelet: the test, playing the kubelet, makes the
 * pods ready.
 */
class DeploymentControllerTest {

  private static final String NS = "prod";
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

  private static void create(String name, int replicas) {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .addToMatchLabels("app", name)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", name)
                .addToAnnotations("lanes.dev/note", "kept")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("r/" + name + ":a")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  private static Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private static List<Pod> pods(String name) {
    return client.pods().inNamespace(NS).withLabel("app", name).list().getItems();
  }

  /** What the kubelet would write once the pod's container is ready. */
  private static void ready(Pod pod) {
    client
        .pods()
        .inNamespace(NS)
        .withName(pod.getMetadata().getName())
        .editStatus(
            p ->
                new PodBuilder(p)
                    .editOrNewStatus()
                    .withPhase("Running")
                    .withConditions(
                        new PodConditionBuilder().withType("Ready").withStatus("True").build())
                    .endStatus()
                    .build());
  }

  private static String condition(String name, String type) {
    var status = deployment(name).getStatus();
    return status == null || status.getConditions() == null
        ? null
        : status.getConditions().stream()
            .filter(c -> c.getType().equals(type))
            .map(c -> c.getStatus() + "/" + c.getReason())
            .findFirst()
            .orElse(null);
  }

  @Test
  void aDeploymentGetsAReplicaSetAndItsPodsBoundToTheNode() {
    create("web", 2);

    await().atMost(WAIT).until(() -> pods("web").size() == 2);

    ReplicaSet rs =
        client
            .apps()
            .replicaSets()
            .inNamespace(NS)
            .withLabel("app", "web")
            .list()
            .getItems()
            .get(0);
    String hash = rs.getMetadata().getLabels().get("pod-template-hash");
    assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
    assertThat(pods("web"))
        .allSatisfy(
            p -> {
              assertThat(p.getSpec().getNodeName()).isEqualTo(NODE);
              assertThat(p.getMetadata().getName()).startsWith("web-" + hash + "-");
              assertThat(p.getMetadata().getLabels()).containsEntry("pod-template-hash", hash);
              assertThat(p.getMetadata().getAnnotations()).containsEntry("lanes.dev/note", "kept");
              assertThat(p.getMetadata().getOwnerReferences().get(0).getUid())
                  .isEqualTo(rs.getMetadata().getUid());
              assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
            });
    await()
        .atMost(WAIT)
        .until(() -> "False/MinimumReplicasUnavailable".equals(condition("web", "Available")));
    assertThat(deployment("web").getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(deployment("web").getStatus().getReadyReplicas()).isZero();
  }

  @Test
  void theRolloutCompletesWhenThePodsAreReady() {
    create("api", 2);
    await().atMost(WAIT).until(() -> pods("api").size() == 2);

    pods("api").forEach(DeploymentControllerTest::ready);

    await()
        .atMost(WAIT)
        .until(() -> "True/NewReplicaSetAvailable".equals(condition("api", "Progressing")));
    assertThat(condition("api", "Available")).isEqualTo("True/MinimumReplicasAvailable");
    assertThat(deployment("api").getStatus().getAvailableReplicas()).isEqualTo(2);
    assertThat(deployment("api").getStatus().getObservedGeneration())
        .isEqualTo(deployment("api").getMetadata().getGeneration());
  }

  @Test
  void aDeletedPodIsReplaced() {
    create("shop", 1);
    await().atMost(WAIT).until(() -> pods("shop").size() == 1);
    String first = pods("shop").get(0).getMetadata().getName();

    client.pods().inNamespace(NS).withName(first).delete();

    await()
        .atMost(WAIT)
        .until(
            () ->
                pods("shop").size() == 1
                    && !pods("shop").get(0).getMetadata().getName().equals(first));
  }
}
