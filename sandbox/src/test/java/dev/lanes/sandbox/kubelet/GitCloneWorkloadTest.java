package dev.lanes.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.sandbox.api.SandboxApiServer;
import dev.lanes.testkit.GitSshServer;
import dev.lanes.testkit.TestSshKeys;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated clone of an SSH build uses what the pod was given: the Secret its volume names,
 * read through the sandbox's API server, and a real SSH server on loopback.
 */
class GitCloneWorkloadTest {

  private static final String NS = "paas-builds";
  private static final KeyPair CLIENT = TestSshKeys.generate();
  private static final KeyPair HOST = TestSshKeys.generate();

  @TempDir static Path dir;
  private static SandboxApiServer api;
  private static KubernetesClient client;
  private static GitSshServer git;
  private static String commit;
  private final List<String> lines = new ArrayList<>();
  private final Workload.Run run =
      new Workload.Run() {
        @Override
        public void log(String line) {
          lines.add(line);
        }

        @Override
        public void pause(Duration duration) {}

        @Override
        public Duration step() {
          return Duration.ZERO;
        }

        @Override
        public java.util.Map<String, String> env() {
          return java.util.Map.of();
        }

        @Override
        public PodScratch scratch() {
          return scratch;
        }
      };
  private final PodScratch scratch = new PodScratch();

  @BeforeAll
  static void start() throws Exception {
    Path work = dir.resolve("work");
    try (Git repo = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(work.resolve("Dockerfile"), "FROM scratch\nRUN echo cloned-over-ssh\n");
      repo.add().addFilepattern(".").call();
      commit =
          repo.commit()
              .setMessage("first")
              .setAuthor("t", "t@e.com")
              .setCommitter("t", "t@e.com")
              .call()
              .getName();
    }
    Git.cloneRepository()
        .setURI(work.toUri().toString())
        .setBare(true)
        .setDirectory(dir.resolve("root/team/web.git").toFile())
        .call()
        .close();
    git = GitSshServer.start(dir.resolve("root"), "git", CLIENT.getPublic(), HOST);
    api = SandboxApiServer.start(0, new PodLogStore());
    client = api.newClient();
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
    git.close();
  }

  @AfterEach
  void noKeyInTheLog() {
    scratch.close();
    assertThat(lines).noneMatch(l -> l.contains("PRIVATE KEY"));
  }

  private static void secret(KeyPair key, String knownHosts) {
    client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("web-git")
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/ssh-auth")
                .addToStringData("ssh-privatekey", TestSshKeys.openSsh(key))
                .addToStringData("known_hosts", knownHosts + "\n")
                .build())
        .createOr(r -> r.update());
  }

  /** The pod build-service's GitCloneSpec makes, as far as the clone reads it. */
  private static Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("build-x")
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .addNewInitContainer()
        .withName("git-clone")
        .withImage("alpine/git:v2.47.2")
        .addNewEnv()
        .withName("GIT_REPO")
        .withValue(git.url("team/web.git"))
        .endEnv()
        .addNewEnv()
        .withName("GIT_REF")
        .withValue("refs/heads/main")
        .endEnv()
        .addNewEnv()
        .withName("GIT_COMMIT")
        .withValue(commit)
        .endEnv()
        .addNewEnv()
        .withName("GIT_SSH_COMMAND")
        .withValue(
            "ssh -F /dev/null -i /etc/lanes/git/ssh-privatekey -o StrictHostKeyChecking=yes"
                + " -o UserKnownHostsFile=/etc/lanes/git/known_hosts")
        .endEnv()
        .addNewVolumeMount()
        .withName("git-ssh")
        .withMountPath("/etc/lanes/git")
        .endVolumeMount()
        .endInitContainer()
        .addNewContainer()
        .withName("kaniko")
        .endContainer()
        .addNewVolume()
        .withName("git-ssh")
        .withNewSecret()
        .withSecretName("web-git")
        .withDefaultMode(0400)
        .addNewItem()
        .withKey("ssh-privatekey")
        .withPath("ssh-privatekey")
        .endItem()
        .addNewItem()
        .withKey("known_hosts")
        .withPath("known_hosts")
        .endItem()
        .endSecret()
        .endVolume()
        .endSpec()
        .build();
  }

  private Workload.Outcome cloned() {
    return new GitCloneWorkload(client).runInitContainers(pod(), run).orElse(null);
  }

  @Test
  void theKeyAndKnownHostsOfTheSecretCloneThePinnedCommit() {
    secret(CLIENT, git.knownHostsLine());

    assertThat(cloned()).isNull();
    assertThat(lines).contains("checked out " + commit);
  }

  @Test
  void aPodWhoseSecretIsMissingFailsToStart() {
    client.secrets().inNamespace(NS).withName("web-git").delete();
    Pod pod = pod();

    Workload.Outcome outcome =
        new GitCloneWorkload(client).runInitContainers(pod, run).orElseThrow();

    assertThat(outcome.isSuccess()).isFalse();
    assertThat(outcome.message()).contains("secret \"web-git\" not found");
  }

  @Test
  void kanikoBuildsTheCheckoutTheCloneLeftInTheWorkspace() throws InterruptedException {
    secret(CLIENT, git.knownHostsLine());
    Pod pod = withWorkspace(pod(), "Dockerfile");

    assertThat(new GitCloneWorkload(client).runInitContainers(pod, run)).isEmpty();
    Workload.Outcome built = new KanikoWorkload().run(pod.getSpec().getContainers().get(0), run);

    assertThat(built.isSuccess()).as(String.join("\n", lines)).isTrue();
    assertThat(lines).anyMatch(l -> l.contains("RUN echo cloned-over-ssh"));
  }

  @Test
  void kanikoFailsWhenTheCheckoutHasNoDockerfileThere() throws InterruptedException {
    secret(CLIENT, git.knownHostsLine());
    Pod pod = withWorkspace(pod(), "docker/Dockerfile");

    new GitCloneWorkload(client).runInitContainers(pod, run);
    Workload.Outcome built = new KanikoWorkload().run(pod.getSpec().getContainers().get(0), run);

    assertThat(built.isSuccess()).isFalse();
    assertThat(built.message()).contains("error resolving dockerfile path");
  }

  /** As GitCloneSpec adds it: the emptyDir both mount, the clone writing SOURCE_DIR into it. */
  private static Pod withWorkspace(Pod pod, String dockerfile) {
    return new PodBuilder(pod)
        .editSpec()
        .editFirstInitContainer()
        .addNewEnv()
        .withName("SOURCE_DIR")
        .withValue("/workspace/src")
        .endEnv()
        .addNewVolumeMount()
        .withName("workspace")
        .withMountPath("/workspace")
        .endVolumeMount()
        .endInitContainer()
        .editFirstContainer()
        .withArgs(
            "--context=dir:///workspace/src",
            "--dockerfile=" + dockerfile,
            "--destination=registry.local/team/web:abc",
            "--digest-file=/dev/termination-log")
        .addNewVolumeMount()
        .withName("workspace")
        .withMountPath("/workspace")
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("workspace")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .build();
  }

  @Test
  void aWrongKeyFailsTheClone() {
    secret(TestSshKeys.generate(), git.knownHostsLine());

    Workload.Outcome outcome = cloned();

    assertThat(outcome).isNotNull();
    assertThat(outcome.isSuccess()).isFalse();
    assertThat(outcome.message()).contains("could not read from remote repository");
  }

  @Test
  void aHostKeyNotInKnownHostsFailsTheClone() {
    secret(CLIENT, TestSshKeys.knownHostsLine("[127.0.0.1]:" + git.port(), TestSshKeys.generate()));
    int served = git.served();

    Workload.Outcome outcome = cloned();

    assertThat(outcome).isNotNull();
    assertThat(outcome.isSuccess()).isFalse();
    assertThat(git.served()).isEqualTo(served);
    assertThat(outcome.message()).contains("Host key verification failed");
  }

  @Test
  void containersThatAreNoCloneAreLeftAlone() {
    Container kaniko = pod().getSpec().getContainers().get(0);

    assertThat(GitCloneWorkload.isClone(kaniko)).isFalse();
    assertThat(GitCloneWorkload.isClone(pod().getSpec().getInitContainers().get(0))).isTrue();
  }
}
