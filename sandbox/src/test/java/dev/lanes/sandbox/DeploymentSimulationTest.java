package dev.lanes.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeploymentSimulationTest {

  private static final String NS = "prod";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static SandboxCluster sandbox;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    sandbox = SandboxCluster.start(new SandboxCluster.Options(0, null, Duration.ofMillis(30)));
    client = sandbox.client();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static Deployment deployment(
      String name, int replicas, String image, Map<String, String> env) {
    var container =
        new io.fabric8.kubernetes.api.model.ContainerBuilder()
            .withName("app")
            .withImage(image)
            .addNewPort()
            .withName("http")
            .withContainerPort(8080)
            .endPort()
            .withNewReadinessProbe()
            .withNewTcpSocket()
            .withPort(new IntOrString("http"))
            .endTcpSocket()
            .endReadinessProbe();
    env.forEach((k, v) -> container.addNewEnv().withName(k).withValue(v).endEnv());
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withProgressDeadlineSeconds(2)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .addToMatchLabels("lane", "dev")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .addToLabels("lane", "dev")
        .endMetadata()
        .withNewSpec()
        .withContainers(container.build())
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Deployment get(String name) {
    return client.apps().deployments().inNamespace(NS).withName(name).get();
  }

  private static List<Pod> pods(String name) {
    return client.pods().inNamespace(NS).withLabel("app", name).list().getItems();
  }

  private static boolean rolledOut(String name, int replicas) {
    Deployment d = get(name);
    var s = d.getStatus();
    return s != null
        && s.getObservedGeneration() != null
        && s.getObservedGeneration().equals(d.getMetadata().getGeneration())
        && Integer.valueOf(replicas).equals(s.getUpdatedReplicas())
        && Integer.valueOf(replicas).equals(s.getAvailableReplicas())
        && Integer.valueOf(replicas).equals(s.getReplicas());
  }

  private static String progressing(String name) {
    var s = get(name).getStatus();
    return s == null || s.getConditions() == null
        ? null
        : s.getConditions().stream()
            .filter(c -> c.getType().equals("Progressing"))
            .map(c -> c.getStatus() + "/" + c.getReason())
            .findFirst()
            .orElse(null);
  }

  @Test
  void aDeploymentGetsAReplicaSetAndReadyPods() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(deployment("web", 2, "r/web:a", Map.of()))
        .create();

    await().atMost(WAIT).until(() -> rolledOut("web", 2));

    assertThat(progressing("web")).isEqualTo("True/NewReplicaSetAvailable");
    assertThat(pods("web"))
        .hasSize(2)
        .allSatisfy(
            p -> {
              assertThat(p.getStatus().getPhase()).isEqualTo("Running");
              assertThat(p.getStatus().getPodIP()).startsWith("10.244.");
              assertThat(p.getMetadata().getLabels()).containsKey("pod-template-hash");
            });
    var rs = client.apps().replicaSets().inNamespace(NS).withLabel("app", "web").list().getItems();
    assertThat(rs)
        .singleElement()
        .satisfies(
            r ->
                assertThat(r.getMetadata().getAnnotations())
                    .containsEntry("deployment.kubernetes.io/revision", "1"));
    String log =
        client.pods().inNamespace(NS).withName(pods("web").get(0).getMetadata().getName()).getLog();
    assertThat(log).contains("started r/web:a").contains("listening on :8080");
  }

  @Test
  void aNewTemplateRollsOutANewReplicaSetAndRemovesTheOldPods() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(deployment("api", 1, "r/api:a", Map.of()))
        .create();
    await().atMost(WAIT).until(() -> rolledOut("api", 1));
    String oldPod = pods("api").get(0).getMetadata().getName();

    // the simulated controller writes the status meanwhile: a conflict (409) means edit again,
    // as any client of a real API server does
    await()
        .atMost(WAIT)
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(
            () ->
                client
                        .apps()
                        .deployments()
                        .inNamespace(NS)
                        .withName("api")
                        .edit(
                            d ->
                                new DeploymentBuilder(d)
                                    .editSpec()
                                    .editTemplate()
                                    .editSpec()
                                    .editFirstContainer()
                                    .withImage("r/api:b")
                                    .endContainer()
                                    .endSpec()
                                    .endTemplate()
                                    .endSpec()
                                    .build())
                    != null);

    await()
        .atMost(WAIT)
        .until(
            () ->
                rolledOut("api", 1)
                    && pods("api").stream()
                        .noneMatch(p -> p.getMetadata().getName().equals(oldPod)));
    assertThat(pods("api"))
        .singleElement()
        .satisfies(
            p -> assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo("r/api:b"));
    assertThat(
            client.apps().replicaSets().inNamespace(NS).withLabel("app", "api").list().getItems())
        .extracting(r -> r.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision"))
        .containsExactlyInAnyOrder("1", "2");
  }

  @Test
  void aCrashingContainerLoopsAndTheRolloutPassesItsDeadline() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(deployment("crash", 1, "r/crash:a", Map.of("SANDBOX_CRASH", "1")))
        .create();

    await()
        .atMost(WAIT)
        .until(
            () ->
                pods("crash").stream()
                    .anyMatch(
                        p -> {
                          var c = p.getStatus().getContainerStatuses();
                          return c != null
                              && !c.isEmpty()
                              && c.get(0).getState().getWaiting() != null
                              && "CrashLoopBackOff"
                                  .equals(c.get(0).getState().getWaiting().getReason())
                              && c.get(0).getRestartCount() >= 2;
                        }));
    await().atMost(WAIT).until(() -> "False/ProgressDeadlineExceeded".equals(progressing("crash")));
    Pod pod = pods("crash").get(0);
    assertThat(
            pod.getStatus()
                .getContainerStatuses()
                .get(0)
                .getLastState()
                .getTerminated()
                .getExitCode())
        .isEqualTo(1);
    assertThat(client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).getLog())
        .contains("panic");
  }

  @Test
  void anImageThatCannotBePulledBacksOff() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(deployment("nopull", 1, "r/nopull:a", Map.of("SANDBOX_IMAGE_PULL_ERROR", "1")))
        .create();
    await()
        .atMost(WAIT)
        .until(
            () ->
                pods("nopull").stream()
                    .anyMatch(
                        p -> {
                          var c = p.getStatus().getContainerStatuses();
                          return c != null
                              && !c.isEmpty()
                              && c.get(0).getState().getWaiting() != null
                              && "ImagePullBackOff"
                                  .equals(c.get(0).getState().getWaiting().getReason());
                        }));
  }

  @Test
  void servicesGetEndpointSlicesOfTheirReadyPods() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(deployment("shop", 2, "r/shop:a", Map.of()))
        .create();
    client
        .services()
        .inNamespace(NS)
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("shop-dev")
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", "shop")
                .addToSelector("lane", "dev")
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .withTargetPort(new IntOrString("http"))
                .endPort()
                .endSpec()
                .build())
        .create();

    await()
        .atMost(WAIT)
        .until(
            () -> {
              List<EndpointSlice> slices =
                  client
                      .discovery()
                      .v1()
                      .endpointSlices()
                      .inNamespace(NS)
                      .withLabel("kubernetes.io/service-name", "shop-dev")
                      .list()
                      .getItems();
              return slices.size() == 1
                  && slices.get(0).getEndpoints().size() == 2
                  && slices.get(0).getEndpoints().stream()
                      .allMatch(e -> Boolean.TRUE.equals(e.getConditions().getReady()));
            });
    EndpointSlice slice =
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace(NS)
            .withLabel("kubernetes.io/service-name", "shop-dev")
            .list()
            .getItems()
            .get(0);
    assertThat(slice.getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getPort()).isEqualTo(8080));

    client.services().inNamespace(NS).withName("shop-dev").delete();
    await()
        .atMost(WAIT)
        .until(
            () ->
                client
                    .discovery()
                    .v1()
                    .endpointSlices()
                    .inNamespace(NS)
                    .withLabel("kubernetes.io/service-name", "shop-dev")
                    .list()
                    .getItems()
                    .isEmpty());
  }

  @Test
  void deletingADeploymentDeletesItsReplicaSetsAndPods() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(deployment("gone", 1, "r/gone:a", Map.of()))
        .create();
    await().atMost(WAIT).until(() -> rolledOut("gone", 1));

    client.apps().deployments().inNamespace(NS).withName("gone").delete();

    await()
        .atMost(WAIT)
        .until(
            () ->
                pods("gone").isEmpty()
                    && client
                        .apps()
                        .replicaSets()
                        .inNamespace(NS)
                        .withLabel("app", "gone")
                        .list()
                        .getItems()
                        .isEmpty());
  }

  @Test
  void scalingToZeroRollsOutAtOnce() {
    client
        .apps()
        .deployments()
        .inNamespace(NS)
        .resource(deployment("idle", 0, "r/idle:a", Map.of()))
        .create();
    await().atMost(WAIT).until(() -> rolledOut("idle", 0));
    assertThat(pods("idle")).isEmpty();
  }
}
