package dev.lanes.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.sandbox.SandboxCluster;
import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox answers discovery and /version, so kubectl (and any discovery client) can use it. */
class SandboxDiscoveryTest {

  @TempDir static Path dir;
  private static SandboxCluster sandbox;
  private static KubernetesClient client;

  @BeforeAll
  static void start() {
    sandbox =
        SandboxCluster.start(
            new SandboxCluster.Options(0, dir.resolve("kubeconfig"), Duration.ofMillis(20)));
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(dir.resolve("kubeconfig").toFile()))
            .build();
    client
        .apps()
        .deployments()
        .inNamespace("prod")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("web-dev")
                .withNamespace("prod")
                .endMetadata()
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .addToMatchLabels("app", "web")
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("registry.local/web:abc1234")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  @AfterAll
  static void stop() {
    client.close();
    sandbox.close();
  }

  @Test
  void versionAndGroupsAreDiscoveryDocuments() {
    assertThat(client.getKubernetesVersion().getGitVersion()).startsWith("v1.");
    assertThat(client.getApiGroups().getGroups())
        .extracting(APIGroup::getName)
        .contains("apps", "batch", "discovery.k8s.io", "coordination.k8s.io");
    assertThat(client.getApiResources("apps/v1").getResources())
        .filteredOn(r -> r.getName().equals("deployments"))
        .singleElement()
        .satisfies(r -> assertThat(r.getShortNames()).containsExactly("deploy"))
        .extracting(APIResource::getNamespaced)
        .isEqualTo(true);
    assertThat(client.getApiResources("v1").getResources())
        .extracting(APIResource::getName)
        .contains("pods", "pods/log", "services", "secrets", "namespaces");
  }

  @Test
  void objectsAreStillServedUnderTheDiscoveryPaths() {
    assertThat(client.apps().deployments().inNamespace("prod").withName("web-dev").get())
        .isNotNull();
  }

  @Test
  void kubectlGetsTheKindsTheSandboxHolds() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not installed");
    // the sandbox's controller makes a ReplicaSet and a pod for the Deployment
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !client.pods().inNamespace("prod").list().getItems().isEmpty());

    Result r = kubectl("get", "deploy,rs,svc,jobs,pods,endpointslices,leases,secrets", "-A");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("web-dev").contains("prod");
    Result describe = kubectl("describe", "deployment", "web-dev", "-n", "prod");
    assertThat(describe.exit()).as(describe.err()).isZero();
    assertThat(describe.out()).contains("registry.local/web:abc1234");
    String pod = client.pods().inNamespace("prod").list().getItems().get(0).getMetadata().getName();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> kubectl("logs", pod, "-n", "prod").out().contains("sandbox: started"));
    Result version = kubectl("version", "-o", "json");
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).contains("\"serverVersion\"");
  }

  private record Result(int exit, String out, String err) {}

  private static Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String kubeconfig() {
    return dir.resolve("kubeconfig").toString();
  }

  private static boolean onPath(String command) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, command))) {
        return true;
      }
    }
    return false;
  }
}
