package dev.lanes.builds.k8s;

import static dev.lanes.builds.k8s.JobSpecFixtures.IMAGE;
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
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildKitJobSpecTest {

  private static BuildSource source(String gitRepo, String contextDir, boolean noCache) {
    return new BuildSource(
        gitRepo,
        "harbor.local:30002/team/web",
        contextDir,
        "docker/Dockerfile",
        noCache,
        Builder.BUILDKIT,
        Map.of("BASE", "alpine"),
        null);
  }

  private static Job job(Map<String, String> env, BuildSource source, String gitSecret) {
    return new BuildKitJobSpec(config(env)).desired(build(), source, gitSecret);
  }

  private static Job job(BuildSource source) {
    return job(Map.of(), source, null);
  }

  private static PodSpec pod(Job job) {
    return job.getSpec().getTemplate().getSpec();
  }

  private static Container container(Job job) {
    return pod(job).getContainers().get(0);
  }

  private static Map<String, EnvVar> env(Job job) {
    Map<String, EnvVar> env = new HashMap<>();
    container(job).getEnv().forEach(e -> env.put(e.getName(), e));
    return env;
  }

  @Test
  void namesLabelsAndLimitsTheJobLikeKanikosJob() {
    Map<String, String> env = Map.of("BUILD_TIMEOUT", "20m", "BUILD_JOB_TTL", "2h");
    Job job = job(env, source("team/web", ".", false), null);
    Job kaniko =
        new BuildJobSpec(config(env))
            .desired(build(), source("team/web", ".", false), "refs/heads/main");

    assertThat(job.getMetadata()).isEqualTo(kaniko.getMetadata());
    assertThat(job.getMetadata().getName()).isEqualTo("build-0b7c5f3e1d2a4c559a8e2f4d6c8b0a11");
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1200L);
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(7200);
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels())
        .isEqualTo(job.getMetadata().getLabels());
    assertThat(pod(job).getRestartPolicy()).isEqualTo("Never");
    assertThat(pod(job).getAutomountServiceAccountToken()).isFalse();
  }

  @Test
  void runsTheRootlessImageThroughBuildctlDaemonless() {
    Container c = container(job(source("team/web", ".", false)));

    assertThat(c.getName()).isEqualTo("buildkit");
    assertThat(c.getImage()).isEqualTo("moby/buildkit:v0.19.0-rootless");
    assertThat(c.getCommand())
        .containsExactly("/bin/sh", "-c", BuildKitJobSpec.WRAPPER, "buildctl");
    assertThat(BuildKitJobSpec.WRAPPER).contains("buildctl-daemonless.sh \"$@\"");
    assertThat(env(job(source("team/web", ".", false))).get("BUILDKITD_FLAGS").getValue())
        .isEqualTo("--oci-worker-no-process-sandbox");
  }

  @Test
  void theImageComesFromBuildkitImage() {
    Container c =
        container(
            job(
                Map.of("BUILDKIT_IMAGE", "mirror.local/moby/buildkit@sha256:abc"),
                source("team/web", ".", false),
                null));
    assertThat(c.getImage()).isEqualTo("mirror.local/moby/buildkit@sha256:abc");
  }

  @Test
  void runsAsUser1000WithSeccompAndAppArmorUnconfined() {
    var security = container(job(source("team/web", ".", false))).getSecurityContext();

    assertThat(security.getRunAsUser()).isEqualTo(1000L);
    assertThat(security.getRunAsGroup()).isEqualTo(1000L);
    assertThat(security.getSeccompProfile().getType()).isEqualTo("Unconfined");
    assertThat(security.getAppArmorProfile().getType()).isEqualTo("Unconfined");
    assertThat(security.getPrivileged()).isNull();
  }

  @Test
  void buildsTheGitContextPinnedToTheCommitAndPushesTheImage() {
    assertThat(container(job(source("team/web", ".", false))).getArgs())
        .containsExactly(
            "build",
            "--frontend=dockerfile.v0",
            "--opt=context=https://github.com/team/web.git#" + SHA,
            "--opt=filename=docker/Dockerfile",
            "--opt=build-arg:BASE=alpine",
            "--output=type=image,name=" + IMAGE + ",push=true",
            "--metadata-file=/tmp/buildctl-metadata.json");
  }

  @Test
  void aBuildsArgumentsOverrideTheReposAsBuildArgOptions() {
    BuildSource source =
        source("team/web", ".", false)
            .with(new BuildOverrides(Map.of("BASE", "debian", "VERSION", "2"), null));

    assertThat(container(job(source)).getArgs())
        .containsSubsequence("--opt=build-arg:BASE=debian", "--opt=build-arg:VERSION=2")
        .doesNotContain("--opt=build-arg:BASE=alpine");
  }

  @Test
  void aContextDirectoryBecomesTheGitContextsSubdirectory() {
    assertThat(
            container(job(source("https://git.example.com/team/web", "./services/web", false)))
                .getArgs())
        .contains("--opt=context=https://git.example.com/team/web#" + SHA + ":services/web");
  }

  @Test
  void aLocalRepositoryKeepsItsFileUrlForTheSandbox() {
    assertThat(container(job(source("file:///srv/git/web", ".", false))).getArgs())
        .contains("--opt=context=file:///srv/git/web#" + SHA);
  }

  @Test
  void reportsThePushedDigestAsTheTerminationMessage() {
    Container c = container(job(source("team/web", ".", false)));

    assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
    assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    assertThat(BuildKitJobSpec.WRAPPER)
        .contains("containerimage.digest")
        .contains("/tmp/buildctl-metadata.json")
        .endsWith("> /dev/termination-log");
  }

  @Test
  void exportsAndImportsTheRegistryCacheUnderTheImageReposTag() {
    Map<String, String> cache = Map.of("KANIKO_CACHE_REPO", "harbor.local:30002/cache/builds");

    assertThat(container(job(cache, source("team/web", ".", false), null)).getArgs())
        .contains(
            "--export-cache=type=registry,ref=harbor.local:30002/cache/builds:buildkit-web,mode=max",
            "--import-cache=type=registry,ref=harbor.local:30002/cache/builds:buildkit-web")
        .doesNotContain("--no-cache");
  }

  @Test
  void theImageReposCacheRepoGoesOverKanikoCacheRepo() {
    BuildSource s = source("team/web", ".", false);
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

    assertThat(
            container(
                    job(Map.of("KANIKO_CACHE_REPO", "harbor.local:30002/cache/builds"), own, null))
                .getArgs())
        .contains(
            "--export-cache=type=registry,ref=harbor.local:30002/cache/own:buildkit-web,mode=max",
            "--import-cache=type=registry,ref=harbor.local:30002/cache/own:buildkit-web");
  }

  @Test
  void noCacheNeitherImportsNorExportsAndSaysNoCache() {
    Map<String, String> cache = Map.of("KANIKO_CACHE_REPO", "harbor.local:30002/cache/builds");

    assertThat(container(job(cache, source("team/web", ".", true), null)).getArgs())
        .contains("--no-cache")
        .noneMatch(a -> a.startsWith("--export-cache") || a.startsWith("--import-cache"));
    assertThat(container(job(source("team/web", ".", false))).getArgs())
        .noneMatch(a -> a.contains("-cache"));
  }

  @Test
  void anInsecureRegistryIsPushedToAndCachedInWithoutTls() {
    Map<String, String> env =
        Map.of(
            "INSECURE_REGISTRIES", "harbor.local:30002",
            "KANIKO_CACHE_REPO", "harbor.local:30002/cache/builds");

    assertThat(container(job(env, source("team/web", ".", false), null)).getArgs())
        .contains(
            "--output=type=image,name=" + IMAGE + ",push=true,registry.insecure=true",
            "--import-cache=type=registry,ref=harbor.local:30002/cache/builds:buildkit-web"
                + ",registry.insecure=true");
  }

  @Test
  void mountsTheRegistrySecretWhereDockerConfigPointsAndKeepsStateInAnEmptyDir() {
    Job job = job(Map.of("REGISTRY_SECRET", "team-registry"), source("team/web", ".", false), null);
    Map<String, Volume> volumes = new HashMap<>();
    pod(job).getVolumes().forEach(v -> volumes.put(v.getName(), v));
    Map<String, VolumeMount> mounts = new HashMap<>();
    container(job).getVolumeMounts().forEach(m -> mounts.put(m.getName(), m));

    assertThat(volumes.get("docker-config").getSecret().getSecretName()).isEqualTo("team-registry");
    assertThat(volumes.get("docker-config").getSecret().getItems().get(0).getPath())
        .isEqualTo("config.json");
    assertThat(mounts.get("docker-config").getMountPath()).isEqualTo("/home/user/.docker");
    assertThat(mounts.get("docker-config").getReadOnly()).isTrue();
    assertThat(env(job).get("DOCKER_CONFIG").getValue()).isEqualTo("/home/user/.docker");
    assertThat(volumes.get("buildkitd").getEmptyDir()).isNotNull();
    assertThat(mounts.get("buildkitd").getMountPath())
        .isEqualTo("/home/user/.local/share/buildkit");
  }

  @Test
  void setsResourcesAndProxies() {
    Map<String, String> env =
        Map.of(
            "BUILD_MEMORY_LIMIT", "8Gi",
            "BUILD_HTTP_PROXY", "http://proxy.local:3128",
            "BUILD_NO_PROXY", "harbor.local");
    Job job = job(env, source("team/web", ".", false), null);

    assertThat(container(job).getResources().getLimits().get("memory").toString()).isEqualTo("8Gi");
    assertThat(container(job).getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(env(job).get("HTTPS_PROXY").getValue()).isEqualTo("http://proxy.local:3128");
    assertThat(env(job).get("NO_PROXY").getValue()).isEqualTo("harbor.local");
  }

  @Test
  void gitCredentialsAreReferencesToTheRepoSecretAndReachBuildkitAsASecret() {
    Job job = job(Map.of(), source("team/web", ".", false), "web-git");

    for (Map.Entry<String, String> wanted :
        Map.of("GIT_USERNAME", "username", "GIT_PASSWORD", "password").entrySet()) {
      EnvVar var = env(job).get(wanted.getKey());
      assertThat(var.getValue()).isNull();
      assertThat(var.getValueFrom().getSecretKeyRef().getName()).isEqualTo("web-git");
      assertThat(var.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(wanted.getValue());
    }
    assertThat(container(job).getArgs())
        .contains("--secret=id=GIT_AUTH_HEADER,env=GIT_AUTH_HEADER");
    assertThat(container(job(source("team/web", ".", false))).getArgs())
        .noneMatch(a -> a.startsWith("--secret"));
    assertThat(env(job(source("team/web", ".", false)))).doesNotContainKey("GIT_USERNAME");
  }

  @Test
  void buildSecretsReachBuildctlAsSecretsFromTheReposSecretNeverAsValues() {
    Job job =
        new BuildKitJobSpec(config(Map.of()))
            .desired(
                build(),
                source("https://git.example.com/team/web.git", ".", false),
                new BuildJobSpec.RepoSecretNames(
                    null, null, "web-build-secrets", java.util.List.of("NPM_TOKEN", "PIP_INDEX")));

    assertThat(container(job).getArgs())
        .contains(
            "--secret=id=NPM_TOKEN,env=LANES_BUILD_SECRET_NPM_TOKEN",
            "--secret=id=PIP_INDEX,env=LANES_BUILD_SECRET_PIP_INDEX");
    assertThat(container(job).getEnv())
        .filteredOn(e -> e.getName().startsWith("LANES_BUILD_SECRET_"))
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("web-build-secrets");
              assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).isFalse();
              assertThat(e.getName())
                  .isEqualTo("LANES_BUILD_SECRET_" + e.getValueFrom().getSecretKeyRef().getKey());
            });
  }
}
