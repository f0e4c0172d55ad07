package dev.lanes.builds.k8s;

import static dev.lanes.builds.k8s.JobSpecFixtures.ID;
import static dev.lanes.builds.k8s.JobSpecFixtures.SHA;
import static dev.lanes.builds.k8s.JobSpecFixtures.build;
import static dev.lanes.builds.k8s.JobSpecFixtures.config;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.common.builds.BuildOverrides;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.domain.Builder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildJobSpecTest {

  private static BuildSource source(String contextDir, boolean noCache) {
    return new BuildSource(
        "team/web",
        "harbor.local:30002/team/web",
        contextDir,
        "docker/Dockerfile",
        noCache,
        Builder.KANIKO,
        Map.of(),
        null);
  }

  private static Container container(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void namesAndLabelsTheJobForItsBuild() {
    Job job =
        new BuildJobSpec(config(Map.of())).desired(build(), source(".", false), "refs/heads/main");

    assertThat(job.getMetadata().getName()).isEqualTo("build-0b7c5f3e1d2a4c559a8e2f4d6c8b0a11");
    assertThat(job.getMetadata().getNamespace()).isEqualTo("paas-builds");
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry("lanes.dev/build-id", ID.toString())
        .containsEntry("app.kubernetes.io/managed-by", "lanes");
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(job.getMetadata().getLabels());
  }

  @Test
  void neverRetriesHasADeadlineAndATtl() {
    Job job =
        new BuildJobSpec(config(Map.of("BUILD_TIMEOUT", "20m", "BUILD_JOB_TTL", "2h")))
            .desired(build(), source(".", false), "refs/heads/main");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1200L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(7200);
    assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
  }

  @Test
  void pinsTheContextToTheResolvedCommitAndPushesTheTag() {
    Container c =
        container(
            new BuildJobSpec(config(Map.of()))
                .desired(build(), source("services/web", false), "refs/tags/v1.2.3"));
    assertThat(c.getName()).isEqualTo("kaniko");
    // the default is pinned by digest: a tag can move under a cluster's feet
    assertThat(c.getImage()).startsWith("gcr.io/kaniko-project/executor:v1.23.2@sha256:");
    assertThat(c.getArgs())
        .startsWith(
            "--context=git://github.com/team/web.git#refs/tags/v1.2.3#" + SHA,
            "--context-sub-path=services/web",
            "--dockerfile=docker/Dockerfile",
            "--destination=harbor.local:30002/team/web:e6d74be",
            "--digest-file=/dev/termination-log");
    assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
  }

  @Test
  void cachesOnlyWithACacheRepoAndWithoutNoCache() {
    Map<String, String> withCache = Map.of("KANIKO_CACHE_REPO", "harbor.local:30002/cache/web");
    assertThat(
            container(
                    new BuildJobSpec(config(withCache))
                        .desired(build(), source(".", false), "refs/heads/main"))
                .getArgs())
        .contains("--cache=true", "--cache-repo=harbor.local:30002/cache/web")
        .doesNotContain("--context-sub-path=.");
    assertThat(
            container(
                    new BuildJobSpec(config(withCache))
                        .desired(build(), source(".", true), "refs/heads/main"))
                .getArgs())
        .noneMatch(a -> a.startsWith("--cache"));
    assertThat(
            container(
                    new BuildJobSpec(config(Map.of()))
                        .desired(build(), source(".", false), "refs/heads/main"))
                .getArgs())
        .noneMatch(a -> a.startsWith("--cache"));
  }

  @Test
  void addsMirrorsInsecureRegistriesAndProxies() {
    Map<String, String> env = new HashMap<>();
    env.put("REGISTRY_MIRRORS", "mirror.gcr.io, dockerhub.mirror.local");
    env.put("INSECURE_REGISTRIES", "harbor.local:30002");
    env.put("BUILD_HTTP_PROXY", "http://proxy.local:3128");
    env.put("BUILD_NO_PROXY", "harbor.local,10.0.0.0/8");
    Container c =
        container(
            new BuildJobSpec(config(env)).desired(build(), source(".", false), "refs/heads/main"));

    assertThat(c.getArgs())
        .contains(
            "--registry-mirror=mirror.gcr.io",
            "--registry-mirror=dockerhub.mirror.local",
            "--insecure-registry=harbor.local:30002",
            "--skip-tls-verify-registry=harbor.local:30002");
    assertThat(c.getEnv())
        .extracting(EnvVar::getName)
        .containsExactly(
            "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "NO_PROXY", "no_proxy");
    assertThat(c.getEnv())
        .filteredOn(e -> e.getName().equals("NO_PROXY"))
        .singleElement()
        .extracting(EnvVar::getValue)
        .isEqualTo("harbor.local,10.0.0.0/8");
  }

  @Test
  void mountsTheRegistrySecretAndSetsResources() {
    Job job =
        new BuildJobSpec(
                config(Map.of("REGISTRY_SECRET", "team-registry", "BUILD_MEMORY_LIMIT", "8Gi")))
            .desired(build(), source(".", false), "refs/heads/main");
    var pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("team-registry");
              assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("config.json");
            });
    Container c = pod.getContainers().get(0);
    assertThat(c.getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/kaniko/.docker"));
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getResources().getLimits().get("memory").toString()).isEqualTo("8Gi");
  }

  @Test
  void theImageReposCacheRepoGoesOverKanikoCacheRepo() {
    BuildSource s = source(".", false);
    BuildSource own =
        new BuildSource(
            s.gitRepo(),
            s.registry(),
            s.contextDir(),
            s.dockerfile(),
            false,
            s.builder(),
            Map.of(),
            "harbor.local:30002/cache/own");
    Map<String, String> withCache = Map.of("KANIKO_CACHE_REPO", "harbor.local:30002/cache/web");

    assertThat(
            container(new BuildJobSpec(config(withCache)).desired(build(), own, "refs/heads/main"))
                .getArgs())
        .contains("--cache=true", "--cache-repo=harbor.local:30002/cache/own");
    assertThat(
            container(new BuildJobSpec(config(Map.of())).desired(build(), own, "refs/heads/main"))
                .getArgs())
        .contains("--cache-repo=harbor.local:30002/cache/own");
  }

  @Test
  void buildArgumentsBecomeBuildArgFlagsInNameOrder() {
    BuildSource withArgs =
        source(".", false).with(new BuildOverrides(Map.of("VERSION", "2", "BASE", "alpine"), null));

    assertThat(
            container(
                    new BuildJobSpec(config(Map.of()))
                        .desired(build(), withArgs, "refs/heads/main"))
                .getArgs())
        .containsSubsequence("--build-arg=BASE=alpine", "--build-arg=VERSION=2");
  }

  @Test
  void aLocalRepositoryKeepsItsFileUrlForTheSandbox() {
    BuildSource local =
        new BuildSource(
            "file:///srv/git/web",
            "r/web",
            ".",
            "Dockerfile",
            false,
            Builder.KANIKO,
            Map.of(),
            null);
    assertThat(
            container(new BuildJobSpec(config(Map.of())).desired(build(), local, "refs/heads/main"))
                .getArgs()
                .get(0))
        .isEqualTo("--context=file:///srv/git/web#refs/heads/main#" + SHA);
  }

  @Test
  void gitCredentialsReachKanikoAsReferencesToTheRepoSecretNeverAsValues() {
    Job job =
        new BuildJobSpec(config(Map.of()))
            .desired(build(), source(".", false), "refs/heads/main", "web-git");

    Map<String, EnvVar> env = new HashMap<>();
    container(job).getEnv().forEach(e -> env.put(e.getName(), e));
    for (Map.Entry<String, String> wanted :
        Map.of("GIT_USERNAME", "username", "GIT_PASSWORD", "password").entrySet()) {
      EnvVar var = env.get(wanted.getKey());
      assertThat(var.getValue()).isNull();
      assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo("web-git");
      assertThat(var.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(wanted.getValue());
      // a Secret deleted under the Job fails its pod at start, not a clone without credentials
      assertThat(var.getValueFrom().getSecretKeyRef().getOptional()).isFalse();
    }
  }

  @Test
  void theReposRegistrySecretIsMountedInsteadOfThePlatforms() {
    Job job =
        new BuildJobSpec(config(Map.of("REGISTRY_SECRET", "team-registry")))
            .desired(
                build(),
                source(".", false),
                "refs/heads/main",
                new BuildJobSpec.RepoSecretNames(null, "web-registry"));

    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("web-registry");
              assertThat(v.getSecret().getItems().get(0).getKey()).isEqualTo(".dockerconfigjson");
              assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("config.json");
            });
    assertThat(container(job).getVolumeMounts().get(0).getMountPath()).isEqualTo("/kaniko/.docker");
    assertThat(container(job).getEnv()).extracting(EnvVar::getName).doesNotContain("GIT_PASSWORD");
  }

  @Test
  void aPlainHttpRepositoryTellsKanikoToCloneOverHttp() {
    BuildSource plain =
        new BuildSource(
            "http://127.0.0.1:8418/team/web.git",
            "r/web",
            ".",
            "Dockerfile",
            false,
            Builder.KANIKO,
            Map.of(),
            null);
    Job job = new BuildJobSpec(config(Map.of())).desired(build(), plain, "refs/heads/main");

    assertThat(container(job).getEnv())
        .filteredOn(e -> e.getName().equals("GIT_PULL_METHOD"))
        .singleElement()
        .satisfies(e -> assertThat(e.getValue()).isEqualTo("http"));
    assertThat(container(job).getArgs().get(0))
        .isEqualTo("--context=git://127.0.0.1:8418/team/web.git#refs/heads/main#" + SHA);
  }

  @Test
  void aPublicRepositoryGivesKanikoNoGitCredentials() {
    Job job =
        new BuildJobSpec(config(Map.of())).desired(build(), source(".", false), "refs/heads/main");

    assertThat(container(job).getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("GIT_USERNAME", "GIT_PASSWORD");
  }

  private static final String SSH_REPO = "ssh://git@git.example.com:2222/team/web.git";

  private static Job sshJob(String contextDir) {
    BuildSource ssh =
        new BuildSource(
            SSH_REPO,
            "harbor.local:30002/team/web",
            contextDir,
            "Dockerfile",
            false,
            Builder.KANIKO,
            Map.of(),
            null);
    return new BuildJobSpec(config(Map.of("GIT_CLONE_IMAGE", "alpine/git@sha256:abc")))
        .desired(build(), ssh, "refs/heads/main", "web-git");
  }

  private static Container cloneContainer(Job job) {
    return job.getSpec().getTemplate().getSpec().getInitContainers().get(0);
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new HashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  @Test
  void anSshRepositoryIsClonedByAnInitContainerAtThePinnedCommit() {
    Container clone = cloneContainer(sshJob("."));

    assertThat(clone.getName()).isEqualTo("git-clone");
    assertThat(clone.getImage()).isEqualTo("alpine/git@sha256:abc");
    assertThat(clone.getCommand()).containsExactly("sh", "-c", GitCloneSpec.SCRIPT);
    assertThat(env(clone))
        .containsEntry("GIT_REPO", SSH_REPO)
        .containsEntry("GIT_COMMIT", SHA)
        .containsEntry("GIT_REF", "refs/heads/main")
        .containsEntry("SOURCE_DIR", "/workspace/src");
    assertThat(clone.getResources()).isEqualTo(container(sshJob(".")).getResources());
    assertThat(GitCloneSpec.SCRIPT)
        .contains("checkout -q --detach \"$GIT_COMMIT\"")
        .doesNotContain(SHA);
  }

  @Test
  void theCloneTrustsOnlyTheKnownHostsOfTheRepoSecret() {
    String ssh = env(cloneContainer(sshJob("."))).get("GIT_SSH_COMMAND");

    assertThat(ssh)
        .contains("-i /etc/lanes/git/ssh-privatekey")
        .contains("-o StrictHostKeyChecking=yes")
        .contains("-o UserKnownHostsFile=/etc/lanes/git/known_hosts")
        .contains("-o GlobalKnownHostsFile=/dev/null")
        .contains("-o BatchMode=yes")
        .contains("-F /dev/null");
  }

  @Test
  void theKeyAndKnownHostsAreMountedFromTheRepoSecretReadableByTheOwnerOnly() {
    Job job = sshJob(".");
    var volume =
        job.getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals("git-ssh"))
            .findFirst()
            .orElseThrow();

    assertThat(volume.getSecret().getSecretName()).isEqualTo("web-git");
    assertThat(volume.getSecret().getDefaultMode()).isEqualTo(0400);
    assertThat(volume.getSecret().getOptional()).isFalse();
    assertThat(volume.getSecret().getItems())
        .extracting(i -> i.getKey() + "=" + i.getPath())
        .containsExactly("ssh-privatekey=ssh-privatekey", "known_hosts=known_hosts");
    assertThat(cloneContainer(job).getVolumeMounts())
        .extracting(m -> m.getName() + "@" + m.getMountPath() + ":" + m.getReadOnly())
        .containsExactlyInAnyOrder("workspace@/workspace:null", "git-ssh@/etc/lanes/git:true");
  }

  @Test
  void kanikoBuildsTheClonedDirectoryAndNeverSeesTheKey() {
    Job job = sshJob("services/api");
    Container kaniko = container(job);

    assertThat(kaniko.getArgs())
        .contains("--context=dir:///workspace/src/services/api")
        .noneMatch(a -> a.startsWith("--context-sub-path"))
        .noneMatch(a -> a.contains("ssh://"));
    assertThat(kaniko.getVolumeMounts())
        .extracting(m -> m.getName() + "@" + m.getMountPath())
        .contains("workspace@/workspace")
        .doesNotContain("git-ssh@/etc/lanes/git");
    assertThat(kaniko.getEnv())
        .extracting(EnvVar::getName)
        .doesNotContain("GIT_USERNAME", "GIT_PASSWORD");
    assertThat(job.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getName().equals("workspace"))
        .singleElement()
        .satisfies(v -> assertThat(v.getEmptyDir()).isNotNull());
  }

  @Test
  void anSshRepositoryAtTheRootBuildsTheWholeCheckout() {
    assertThat(container(sshJob(".")).getArgs()).contains("--context=dir:///workspace/src");
  }

  @Test
  void anHttpsRepositoryHasNoInitContainer() {
    Job job =
        new BuildJobSpec(config(Map.of()))
            .desired(build(), source(".", false), "refs/heads/main", "web-git");

    assertThat(job.getSpec().getTemplate().getSpec().getInitContainers()).isNullOrEmpty();
  }
}
