package dev.lanes.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.sandbox.api.SandboxApiServer;
import dev.lanes.testkit.GitHttpServer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated Kaniko clones a private repository with what its pod was given, as Kaniko's git
 * context does: GIT_USERNAME/GIT_PASSWORD from the Secret the env refers to. A Job spec that forgot
 * them fails to clone; one that names a missing Secret does not start.
 */
class PrivateBuildContextTest {

  private static final String NS = "paas-builds";
  private static final String USER = "x-access-token";
  private static final String CANARY = "canary-sandbox-7c41-do-not-print";
  private static final AtomicInteger NEXT = new AtomicInteger();
  @TempDir static Path dir;
  private static GitHttpServer git;
  private static String context;
  private static SandboxApiServer server;
  private static KubernetesClient client;
  private static SimulatedKubelet kubelet;

  @BeforeAll
  static void start() throws Exception {
    Path work = dir.resolve("work");
    String sha;
    try (Git repo = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(
          work.resolve("Dockerfile"), "FROM alpine\nRUN echo from-the-private-repo\n");
      repo.add().addFilepattern(".").call();
      sha =
          repo.commit()
              .setMessage("one")
              .setAuthor("t", "t@e.com")
              .setCommitter("t", "t@e.com")
              .call()
              .getName();
    }
    Git.cloneRepository()
        .setURI(work.toUri().toString())
        .setBare(true)
        .setDirectory(dir.resolve("root/team/private.git").toFile())
        .call()
        .close();
    git = GitHttpServer.start(dir.resolve("root"), USER, CANARY);
    context =
        git.url("team/private.git").replaceFirst("^http://", "git://") + "#refs/heads/main#" + sha;
    PodLogStore logs = new PodLogStore();
    server = SandboxApiServer.start(0, logs);
    client = server.newClient();
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("private-git")
                .withNamespace(NS)
                .endMetadata()
                .addToStringData("username", USER)
                .addToStringData("password", CANARY)
                .build())
        .create();
    kubelet = SimulatedKubelet.start(client, "node-1", logs, Duration.ofMillis(20));
  }

  @AfterAll
  static void stop() {
    kubelet.close();
    client.close();
    server.close();
    git.close();
  }

  @Test
  void theCredentialsFromTheReferencedSecretCloneTheRepository() {
    String pod =
        build(
            fromSecret("GIT_USERNAME", "private-git", "username"),
            fromSecret("GIT_PASSWORD", "private-git", "password"));

    ContainerStateTerminated end = ended(pod);
    assertThat(end.getExitCode()).isZero();
    assertThat(end.getMessage()).startsWith("sha256:");
    String log = client.pods().inNamespace(NS).withName(pod).getLog();
    assertThat(log).contains("RUN echo from-the-private-repo").doesNotContain(CANARY);
  }

  @Test
  void aJobThatForgotTheCredentialsFailsToClone() {
    String pod = build();

    ContainerStateTerminated end = ended(pod);
    assertThat(end.getExitCode()).isEqualTo(1);
    assertThat(end.getMessage()).contains("authentication required");
    assertThat(client.pods().inNamespace(NS).withName(pod).getLog())
        .doesNotContain("from-the-private-repo");
  }

  @Test
  void aWrongPasswordFailsToCloneWithoutSayingIt() {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("wrong-git")
                .withNamespace(NS)
                .endMetadata()
                .addToStringData("username", USER)
                .addToStringData("password", "wrong-" + CANARY)
                .build())
        .create();
    String pod =
        build(
            fromSecret("GIT_USERNAME", "wrong-git", "username"),
            fromSecret("GIT_PASSWORD", "wrong-git", "password"));

    ContainerStateTerminated end = ended(pod);
    assertThat(end.getMessage()).contains("authentication required").doesNotContain(CANARY);
    assertThat(client.pods().inNamespace(NS).withName(pod).getLog()).doesNotContain(CANARY);
  }

  @Test
  void aMissingSecretKeepsTheContainerFromStarting() {
    String pod = build(fromSecret("GIT_PASSWORD", "no-such-secret", "password"));

    ContainerStateTerminated end = ended(pod);
    assertThat(end.getReason()).isEqualTo("CreateContainerConfigError");
    assertThat(end.getMessage()).contains("secret \"no-such-secret\" not found");
  }

  private static EnvVar fromSecret(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(false)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  /** A Kaniko pod of the repository's pinned commit, over plain http, with {@code env}. */
  private static String build(EnvVar... env) {
    List<EnvVar> all = new ArrayList<>(List.of(env));
    all.add(new EnvVarBuilder().withName("GIT_PULL_METHOD").withValue("http").build());
    String name = "build-" + NEXT.incrementAndGet();
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
                .withNodeName("node-1")
                .withRestartPolicy("Never")
                .withContainers(
                    new ContainerBuilder()
                        .withName("kaniko")
                        .withImage("gcr.io/kaniko-project/executor")
                        .withArgs(
                            "--context=" + context,
                            "--dockerfile=Dockerfile",
                            "--destination=registry.local/team/private:abc",
                            "--digest-file=/dev/termination-log")
                        .withEnv(all)
                        .build())
                .endSpec()
                .build())
        .create();
    return name;
  }

  private static ContainerStateTerminated ended(String name) {
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> {
              Pod p = client.pods().inNamespace(NS).withName(name).get();
              String phase = p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
              return "Succeeded".equals(phase) || "Failed".equals(phase);
            });
    return client
        .pods()
        .inNamespace(NS)
        .withName(name)
        .get()
        .getStatus()
        .getContainerStatuses()
        .get(0)
        .getState()
        .getTerminated();
  }
}
