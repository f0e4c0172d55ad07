package dev.lanes.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.sandbox.api.SandboxApiServer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubelet alone on an API server, with no controllers: the pods here are made by hand. */
class SimulatedKubeletTest {

  private static final String NS = "prod";
  private static final String NODE = "node-1";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static PodLogStore logs;
  private static SandboxApiServer server;
  private static KubernetesClient client;
  private static SimulatedKubelet kubelet;
  private static SharedIndexInformer<Pod> watcher;
  private static final Map<String, List<String>> HISTORY = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    logs = new PodLogStore();
    server = SandboxApiServer.start(0, logs);
    client = server.newClient();
    watcher =
        client
            .pods()
            .inNamespace(NS)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(Pod pod) {
                    record(pod);
                  }

                  @Override
                  public void onUpdate(Pod before, Pod after) {
                    record(after);
                  }

                  @Override
                  public void onDelete(Pod pod, boolean unknown) {}
                },
                0);
    kubelet = SimulatedKubelet.start(client, NODE, logs, Duration.ofMillis(30));
  }

  @AfterAll
  static void stop() {
    kubelet.close();
    watcher.close();
    client.close();
    server.close();
  }

  private static ContainerBuilder app(String... env) {
    ContainerBuilder c =
        new ContainerBuilder()
            .withName("app")
            .withImage("r/web:a")
            .addNewPort()
            .withContainerPort(8080)
            .endPort();
    for (String name : env) {
      c.addNewEnv().withName(name).withValue("1").endEnv();
    }
    return c;
  }

  private static String create(String node, String restartPolicy, ContainerBuilder container) {
    String name = "pod-" + NEXT.incrementAndGet();
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .withRestartPolicy(restartPolicy)
                .withContainers(container.build())
                .endSpec()
                .build())
        .create();
    return name;
  }

  private static Pod pod(String name) {
    return client.pods().inNamespace(NS).withName(name).get();
  }

  private static ContainerStatus container(String name) {
    Pod p = pod(name);
    List<ContainerStatus> statuses =
        p == null || p.getStatus() == null ? null : p.getStatus().getContainerStatuses();
    return statuses == null || statuses.isEmpty() ? null : statuses.get(0);
  }

  private static String waitingReason(String name) {
    ContainerStatus c = container(name);
    return c == null || c.getState().getWaiting() == null
        ? null
        : c.getState().getWaiting().getReason();
  }

  /** The states the pod has been in, as its watchers saw them: phase/container state. */
  private static List<String> history(String name) {
    return HISTORY.getOrDefault(name, List.of()).stream().distinct().toList();
  }

  private static void record(Pod pod) {
    ContainerStatus c =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? null
            : pod.getStatus().getContainerStatuses().stream().findFirst().orElse(null);
    String state =
        c == null
            ? "none"
            : c.getState().getWaiting() != null
                ? c.getState().getWaiting().getReason()
                : Boolean.TRUE.equals(c.getReady())
                    ? "ready"
                    : c.getState().getRunning() != null ? "running" : "terminated";
    HISTORY
        .computeIfAbsent(pod.getMetadata().getName(), n -> new CopyOnWriteArrayList<>())
        .add((pod.getStatus() == null ? null : pod.getStatus().getPhase()) + "/" + state);
  }

  private static boolean ready(String name) {
    ContainerStatus c = container(name);
    return c != null && Boolean.TRUE.equals(c.getReady());
  }

  @Test
  void anAppPodGoesFromContainerCreatingToRunningAndReady() {
    String name = create(NODE, "Always", app());

    await().atMost(WAIT).until(() -> history(name).contains("Running/ready"));

    assertThat(history(name))
        .containsSubsequence("Pending/ContainerCreating", "Running/running", "Running/ready");

    Pod running = pod(name);
    assertThat(running.getStatus().getPhase()).isEqualTo("Running");
    assertThat(running.getStatus().getPodIP()).startsWith("10.244.");
    assertThat(running.getStatus().getStartTime()).isNotNull();
    assertThat(running.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getType() + "=" + c.getStatus()).isEqualTo("Ready=True"));
    assertThat(client.pods().inNamespace(NS).withName(name).getLog())
        .contains("sandbox: started r/web:a")
        .contains("listening on :8080");
  }

  @Test
  void aPodBoundToAnotherNodeIsLeftAlone() {
    String name = create("elsewhere", "Always", app());
    String mine = create(NODE, "Always", app());

    await().atMost(WAIT).until(() -> ready(mine));
    assertThat(container(name)).isNull();
  }

  @Test
  void anImageThatCannotBePulledBacksOffAndThePodStaysPending() {
    String name = create(NODE, "Always", app("SANDBOX_IMAGE_PULL_ERROR"));

    await().atMost(WAIT).until(() -> history(name).contains("Pending/ImagePullBackOff"));
    assertThat(history(name))
        .containsSubsequence(
            "Pending/ContainerCreating", "Pending/ErrImagePull", "Pending/ImagePullBackOff");
    assertThat(pod(name).getStatus().getPhase()).isEqualTo("Pending");
    assertThat(logs.read(NS, name)).isNull();
  }

  @Test
  void aCrashingContainerIsRestartedWithABackOff() {
    String name = create(NODE, "Always", app("SANDBOX_CRASH"));

    await()
        .atMost(WAIT)
        .until(
            () ->
                "CrashLoopBackOff".equals(waitingReason(name))
                    && container(name).getRestartCount() >= 2);
    ContainerStatus c = container(name);
    assertThat(c.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(c.getReady()).isFalse();
  }

  @Test
  void aContainerThatIsNeverReadyRunsUnready() {
    String name = create(NODE, "Always", app("SANDBOX_NOT_READY"));

    await()
        .atMost(WAIT)
        .until(
            () ->
                logs.read(NS, name) != null
                    && logs.read(NS, name).stream()
                        .anyMatch(l -> l.text().contains("SANDBOX_NOT_READY")));
    assertThat(pod(name).getStatus().getPhase()).isEqualTo("Running");
    assertThat(ready(name)).isFalse();
  }

  @Test
  void aPodThatRunsToCompletionSucceedsWhenItsWorkloadDoes() {
    String name =
        create(NODE, "Never", new ContainerBuilder().withName("job").withImage("busybox"));

    await().atMost(WAIT).until(() -> history(name).contains("Succeeded/terminated"));
    assertThat(history(name))
        .containsSubsequence("Pending/ContainerCreating", "Running/ready", "Succeeded/terminated");
    assertThat(container(name).getState().getTerminated().getExitCode()).isZero();
    assertThat(client.pods().inNamespace(NS).withName(name).getLog())
        .contains("simulated container job (busybox)");
  }

  @Test
  void aFailingBuildFailsThePod() {
    String name =
        create(
            NODE,
            "Never",
            new ContainerBuilder()
                .withName("kaniko")
                .withImage("gcr.io/kaniko-project/executor")
                .withArgs(
                    "--context=file:///nowhere#refs/heads/main#abc", "--dockerfile=Dockerfile"));

    await().atMost(WAIT).until(() -> "Failed".equals(pod(name).getStatus().getPhase()));
    var terminated = container(name).getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(1);
    assertThat(terminated.getMessage()).contains("cannot read the build context /nowhere");
  }

  @Test
  void aPodPastItsActiveDeadlineIsStopped(@TempDir Path repo) throws Exception {
    String sha;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.writeString(repo.resolve("Dockerfile"), "FROM alpine\n# sandbox: sleep 60s\n");
      git.add().addFilepattern(".").call();
      sha =
          git.commit()
              .setMessage("slow")
              .setAuthor("t", "t@example.com")
              .setCommitter("t", "t@example.com")
              .call()
              .getName();
    }
    String name = "slow-" + NEXT.incrementAndGet();
    client
        .pods()
        .inNamespace(NS)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .withRestartPolicy("Never")
                .withActiveDeadlineSeconds(1L)
                .addNewContainer()
                .withName("kaniko")
                .withImage("gcr.io/kaniko-project/executor")
                .withArgs("--context=file://" + repo + "#refs/heads/main#" + sha)
                .endContainer()
                .endSpec()
                .build())
        .create();

    await().atMost(WAIT).until(() -> "Failed".equals(pod(name).getStatus().getPhase()));
    assertThat(pod(name).getStatus().getReason()).isEqualTo("DeadlineExceeded");
    assertThat(container(name).getState().getTerminated().getExitCode()).isEqualTo(137);
  }

  @Test
  void deletingAPodRemovesItsLog() {
    String name = create(NODE, "Always", app());
    await().atMost(WAIT).until(() -> ready(name));
    assertThat(logs.read(NS, name)).isNotEmpty();

    client.pods().inNamespace(NS).withName(name).delete();

    await().atMost(WAIT).until(() -> logs.read(NS, name) == null);
  }
}
