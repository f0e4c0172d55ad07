package dev.lanes.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxClusterTest {

  private static final String NS = "paas-builds";
  private static SandboxCluster sandbox;
  private static KubernetesClient client;

  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    sandbox =
        SandboxCluster.start(
            new SandboxCluster.Options(0, dir.resolve("kubeconfig"), Duration.ofMillis(40)));
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(dir.resolve("kubeconfig").toFile()))
            .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    sandbox.close();
  }

  private static String commit(Path repo, String file, String content) throws Exception {
    try (Git git =
        Files.exists(repo.resolve(".git"))
            ? Git.open(repo.toFile())
            : Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Files.createDirectories(repo.resolve(file).getParent());
      Files.writeString(repo.resolve(file), content);
      git.add().addFilepattern(".").call();
      RevCommit c =
          git.commit()
              .setMessage("change " + file)
              .setAuthor("t", "t@example.com")
              .setCommitter("t", "t@example.com")
              .call();
      return c.getName();
    }
  }

  private static Job kaniko(String name, String context, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--context=" + context,
                "--dockerfile=Dockerfile",
                "--destination=registry.local/team/web:abc1234",
                "--digest-file=/dev/termination-log"));
    args.addAll(List.of(extra));
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .addNewContainer()
        .withName("kaniko")
        .withImage("gcr.io/kaniko-project/executor:v1.23.2")
        .withArgs(args)
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Job create(Job job) {
    return client.batch().v1().jobs().inNamespace(NS).resource(job).create();
  }

  private static Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
  }

  private static Pod pod(String job) {
    return client.pods().inNamespace(NS).withLabel("job-name", job).list().getItems().stream()
        .findFirst()
        .orElse(null);
  }

  private static String condition(Job job) {
    return job == null
            || job.getStatus() == null
            || job.getStatus().getConditions() == null
            || job.getStatus().getConditions().isEmpty()
        ? null
        : job.getStatus().getConditions().get(0).getType()
            + "/"
            + job.getStatus().getConditions().get(0).getReason();
  }

  @Test
  void aJobGetsAPodThatRunsAndSucceeds() {
    create(
        new JobBuilder(kaniko("plain", "dir:///x"))
            .editSpec()
            .editTemplate()
            .editSpec()
            .editFirstContainer()
            .withArgs(List.of())
            .withImage("busybox")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build());

    await().atMost(Duration.ofSeconds(10)).until(() -> pod("plain") != null);
    assertThat(pod("plain").getMetadata().getOwnerReferences().get(0).getName()).isEqualTo("plain");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "Complete/null".equals(condition(job("plain"))));
    assertThat(pod("plain").getStatus().getPhase()).isEqualTo("Succeeded");
    assertThat(job("plain").getStatus().getSucceeded()).isEqualTo(1);
    assertThat(job("plain").getStatus().getStartTime()).isNotNull();
  }

  @Test
  void buildsALocalRepositoryAtThePinnedCommitAndReportsTheDigest() throws Exception {
    Path repo = dir.resolve("web");
    String sha =
        commit(repo, "Dockerfile", "FROM eclipse-temurin:17\nRUN echo hi\nCOPY app.jar /app.jar\n");

    create(kaniko("ok", "file://" + repo + "#refs/heads/main#" + sha));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "Complete/null".equals(condition(job("ok"))));
    Pod pod = pod("ok");
    var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(terminated.getExitCode()).isZero();
    assertThat(terminated.getMessage()).matches("sha256:[0-9a-f]{64}");
    String log = client.pods().inNamespace(NS).withName(pod.getMetadata().getName()).getLog();
    assertThat(log)
        .contains("Retrieving image manifest eclipse-temurin:17")
        .contains("RUN echo hi")
        .contains("Pushed registry.local/team/web@" + terminated.getMessage());
  }

  @Test
  void failsLikeKanikoWhenTheDockerfileIsNotAtThatCommit() throws Exception {
    Path repo = dir.resolve("nodocker");
    String sha = commit(repo, "README.md", "no Dockerfile here\n");

    create(kaniko("missing", "file://" + repo + "#refs/heads/main#" + sha));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "Failed/BackoffLimitExceeded".equals(condition(job("missing"))));
    var terminated =
        pod("missing").getStatus().getContainerStatuses().get(0).getState().getTerminated();
    assertThat(terminated.getExitCode()).isEqualTo(1);
    assertThat(terminated.getMessage())
        .contains("Dockerfile does not exist at " + sha.substring(0, 7));
  }

  @Test
  void aFailingRunInstructionFailsTheBuild() throws Exception {
    Path repo = dir.resolve("failing");
    String sha = commit(repo, "Dockerfile", "FROM alpine\nRUN exit 3\n");

    create(kaniko("failing", "file://" + repo + "#refs/heads/main#" + sha));

    await().atMost(Duration.ofSeconds(10)).until(() -> condition(job("failing")) != null);
    assertThat(condition(job("failing"))).startsWith("Failed/");
    String log =
        client.pods().inNamespace(NS).withName(pod("failing").getMetadata().getName()).getLog();
    assertThat(log).contains("exit status 3");
  }

  @Test
  void enforcesTheJobDeadline() throws Exception {
    Path repo = dir.resolve("slow");
    String sha = commit(repo, "Dockerfile", "FROM alpine\n# sandbox: sleep 60s\n");
    Job slow =
        new JobBuilder(kaniko("slow", "file://" + repo + "#refs/heads/main#" + sha))
            .editSpec()
            .withActiveDeadlineSeconds(1L)
            .endSpec()
            .build();

    create(slow);

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> "Failed/DeadlineExceeded".equals(condition(job("slow"))));
    assertThat(pod("slow").getStatus().getPhase()).isEqualTo("Failed");
  }

  @Test
  void deletingAJobStopsItAndDeletesItsPods() throws Exception {
    Path repo = dir.resolve("deleted");
    String sha = commit(repo, "Dockerfile", "FROM alpine\n# sandbox: sleep 60s\n");
    create(kaniko("doomed", "file://" + repo + "#refs/heads/main#" + sha));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> pod("doomed") != null && "Running".equals(pod("doomed").getStatus().getPhase()));

    client.batch().v1().jobs().inNamespace(NS).withName("doomed").delete();

    await().atMost(Duration.ofSeconds(10)).until(() -> pod("doomed") == null);
  }

  @Test
  void removesFinishedJobsAfterTheirTtl() {
    Job job =
        new JobBuilder(kaniko("short-lived", "dir:///x"))
            .editSpec()
            .withTtlSecondsAfterFinished(1)
            .editTemplate()
            .editSpec()
            .editFirstContainer()
            .withArgs(List.of())
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    create(job);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> job("short-lived") != null && condition(job("short-lived")) != null);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> job("short-lived") == null && pod("short-lived") == null);
  }

  @Test
  void servesLogsWithTheParametersClientsUse() throws Exception {
    Path repo = dir.resolve("logs");
    String sha = commit(repo, "Dockerfile", "FROM alpine\nRUN one\nRUN two\n");
    create(kaniko("logged", "file://" + repo + "#refs/heads/main#" + sha));
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(job("logged")) != null);
    var pod = client.pods().inNamespace(NS).withName(pod("logged").getMetadata().getName());

    String stamped = pod.usingTimestamps().getLog();
    assertThat(stamped.lines()).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT[^ ]+Z .*"));
    String last = pod.tailingLines(1).getLog();
    assertThat(last.lines()).hasSize(1);
    assertThat(last).contains("Pushed");
    String future = pod.sinceTime("2999-01-01T00:00:00Z").getLog();
    assertThat(future).isEmpty();
  }

  @Test
  void answersLogsOfAnUnknownPodWith404() {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowableOfType(
                KubernetesClientException.class,
                () -> client.pods().inNamespace(NS).withName("nope").getLog()))
        .satisfies(e -> assertThat(e.getCode()).isEqualTo(404));
  }

  @Test
  void writesAKubeconfigOtherProcessesCanUse() throws Exception {
    String yaml = Files.readString(dir.resolve("kubeconfig"));
    assertThat(yaml).contains(sandbox.url().replaceAll("/$", ""));
    assertThat(client.getMasterUrl().toString()).startsWith("http://127.0.0.1:");
    assertThat(new File(dir.resolve("kubeconfig").toString())).exists();
  }
}
