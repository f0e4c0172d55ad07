package dev.lanes.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildKitWorkloadTest {

  private static final String WRAPPER =
      "buildctl-daemonless.sh \"$@\"\ngrep ... /tmp/m.json > /dev/termination-log";
  private static final String IMAGE = "harbor.local:30002/team/web:abc1234";

  @TempDir Path repo;

  /** Collects the log; pauses add up instead of sleeping. */
  private static final class Recorded implements Workload.Run {
    final List<String> lines = new ArrayList<>();
    Duration paused = Duration.ZERO;

    @Override
    public void log(String line) {
      lines.add(line);
    }

    @Override
    public void pause(Duration duration) {
      paused = paused.plus(duration);
    }

    @Override
    public Duration step() {
      return Duration.ofMillis(1);
    }

    @Override
    public java.util.Map<String, String> env() {
      return java.util.Map.of();
    }

    @Override
    public PodScratch scratch() {
      return new PodScratch();
    }
  }

  private String commit(String path, String dockerfile) throws Exception {
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      Path file = repo.resolve(path);
      Files.createDirectories(file.getParent());
      Files.writeString(file, dockerfile);
      git.add().addFilepattern(".").call();
      return git.commit()
          .setMessage("build me")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .call()
          .getName();
    }
  }

  private Container buildctl(String context, String filename) {
    return new ContainerBuilder()
        .withName("buildkit")
        .withImage("moby/buildkit:v0.19.0-rootless")
        .withCommand("/bin/sh", "-c", WRAPPER, "buildctl")
        .withArgs(
            "build",
            "--frontend=dockerfile.v0",
            "--opt=context=" + context,
            "--opt=filename=" + filename,
            "--output=type=image,name=" + IMAGE + ",push=true",
            "--metadata-file=/tmp/m.json")
        .build();
  }

  @Test
  void aBuildctlContainerIsSimulatedByBuildKitAndAKanikoOneByKaniko() {
    assertThat(Workload.ofBuild(buildctl("file:///x#abc", "Dockerfile")))
        .get()
        .isInstanceOf(BuildKitWorkload.class);
    Container kaniko = new ContainerBuilder().withArgs("--context=file:///x#main#abc").build();
    assertThat(Workload.ofBuild(kaniko)).get().isInstanceOf(KanikoWorkload.class);
    assertThat(Workload.ofBuild(new ContainerBuilder().withImage("r/web:a").build())).isEmpty();
  }

  @Test
  void buildsThePinnedCommitAndReportsThePushedDigest() throws Exception {
    String sha = commit("Dockerfile", "FROM alpine\nRUN make\n# sandbox: sleep 2s\nCOPY . /app\n");
    Recorded run = new Recorded();

    Workload.Outcome outcome =
        new BuildKitWorkload().run(buildctl("file://" + repo + "#" + sha, "Dockerfile"), run);

    assertThat(outcome.isSuccess()).isTrue();
    assertThat(outcome.message()).matches("sha256:[0-9a-f]{64}");
    assertThat(run.lines)
        .contains("#2 [1/3] FROM alpine", "#3 [2/3] RUN make", "#4 [3/3] COPY . /app")
        .anyMatch(l -> l.equals("#9 pushing manifest for " + IMAGE + "@" + outcome.message()));
    assertThat(run.paused).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void readsTheDockerfileInTheContextsSubdirectory() throws Exception {
    String sha = commit("services/web/docker/Dockerfile", "FROM alpine\nRUN false\n");

    Workload.Outcome outcome =
        new BuildKitWorkload()
            .run(
                buildctl("file://" + repo + "#" + sha + ":services/web", "docker/Dockerfile"),
                new Recorded());

    assertThat(outcome.isSuccess()).isFalse();
    assertThat(outcome.message())
        .isEqualTo(
            "ERROR: failed to solve: process \"/bin/sh -c false\" did not complete successfully:"
                + " exit code: 1");
  }

  @Test
  void aMissingDockerfileFailsAsBuildKitDoes() throws Exception {
    String sha = commit("README.md", "no Dockerfile here\n");

    Workload.Outcome outcome =
        new BuildKitWorkload()
            .run(buildctl("file://" + repo + "#" + sha, "Dockerfile"), new Recorded());

    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.message())
        .isEqualTo(
            "ERROR: failed to solve: failed to read dockerfile: open Dockerfile: no such file or"
                + " directory");
  }

  @Test
  void aFailingRunExitsWithItsCodeInTheMessage() throws Exception {
    String sha = commit("Dockerfile", "FROM alpine\nRUN exit 3\nRUN never\n");
    Recorded run = new Recorded();

    Workload.Outcome outcome =
        new BuildKitWorkload().run(buildctl("file://" + repo + "#" + sha, "Dockerfile"), run);

    assertThat(outcome.message()).endsWith("exit code: 3");
    assertThat(run.lines).noneMatch(l -> l.contains("RUN never"));
  }

  @Test
  void withoutTheWrapperNoDigestIsReported() throws Exception {
    String sha = commit("Dockerfile", "FROM alpine\n");
    Container bare =
        new ContainerBuilder(buildctl("file://" + repo + "#" + sha, "Dockerfile"))
            .withCommand("buildctl-daemonless.sh")
            .build();

    Workload.Outcome outcome = new BuildKitWorkload().run(bare, new Recorded());

    assertThat(outcome.isSuccess()).isTrue();
    assertThat(outcome.message()).isEmpty();
  }
}
