package dev.lanes.builds.k8s;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.builds.git.GitRemote;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.domain.Build;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.common.net.SshGitUrl;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kaniko Job of a build: pure, no client, no clock. The context is pinned to the resolved
 * commit (for an SSH repository, cloned at that commit by {@link GitCloneSpec}'s init container),
 * the pushed digest comes back as the container's termination message, and the Job never retries (a
 * failed build is a result, not a glitch).
 */
public final class BuildJobSpec {

  public static final String CONTAINER = "kaniko";
  public static final String DIGEST_FILE = "/dev/termination-log";
  static final String DOCKER_CONFIG_VOLUME = "docker-config";
  static final String DOCKER_CONFIG_PATH = "/kaniko/.docker";

  private final BuildServiceConfig config;
  private final GitCloneSpec clone;

  public BuildJobSpec(BuildServiceConfig config) {
    this.config = config;
    this.clone = new GitCloneSpec(config.gitCloneImage());
  }

  /**
   * @param build a queued build: its commit, tag and image are set
   * @param ref the ref Kaniko fetches to find the commit
   */
  public Job desired(Build build, BuildSource source, String ref) {
    return desired(build, source, ref, RepoSecretNames.NONE);
  }

  /**
   * The image repo's own Secrets a build pod reads, each {@code null} when the repo has none.
   *
   * @param git git credentials ({@link GitSecretSpec}): none for a public repository
   * @param registry registry credentials ({@link RegistrySecretSpec}): none, and the platform's
   *     {@code REGISTRY_SECRET} is mounted
   */
  public record RepoSecretNames(String git, String registry) {
    public static final RepoSecretNames NONE = new RepoSecretNames(null, null);
  }

  /**
   * @param gitSecret the Secret with the image repo's git credentials ({@link GitSecretSpec}), or
   *     {@code null} for a public repository
   */
  public Job desired(Build build, BuildSource source, String ref, String gitSecret) {
    return desired(build, source, ref, new RepoSecretNames(gitSecret, null));
  }

  public Job desired(Build build, BuildSource source, String ref, RepoSecretNames secrets) {
    Map<String, String> labels = LaneLabels.forBuild(build.app(), build.id()).toMap();
    return new JobBuilder()
        .withNewMetadata()
        .withName(LaneNames.buildJob(build.id()))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .addToAnnotations("lanes.dev/git-ref", build.gitRef())
        .addToAnnotations("lanes.dev/commit", build.commit())
        .addToAnnotations("lanes.dev/image", build.image())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(config.timeout().toSeconds())
        .withTtlSecondsAfterFinished((int) config.jobTtl().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(podSpec(build, source, ref, secrets))
        .endTemplate()
        .endSpec()
        .build();
  }

  private PodSpec podSpec(Build build, BuildSource source, String ref, RepoSecretNames secrets) {
    PodSpec kaniko = kanikoPod(build, source, ref, secrets);
    Optional<SshGitUrl> ssh = GitRemote.of(source.gitRepo()).ssh();
    if (ssh.isEmpty()) {
      return kaniko;
    }
    // Kaniko's git context cannot clone over SSH: an init container clones, Kaniko builds the dir
    String secret = secrets.git() != null ? secrets.git() : LaneNames.gitSecret(build.imageRepo());
    return new PodSpecBuilder(kaniko)
        .editFirstContainer()
        .addToVolumeMounts(GitCloneSpec.workspaceMount())
        .endContainer()
        .addToInitContainers(cloneContainer(kaniko, ssh.get(), ref, build.commit()))
        .addAllToVolumes(clone.volumes(secret))
        .build();
  }

  /** Kaniko's requests and limits: a quota that wants them on every container is met. */
  private Container cloneContainer(PodSpec kaniko, SshGitUrl url, String ref, String commit) {
    return new ContainerBuilder(clone.container(url, ref, commit))
        .withResources(kaniko.getContainers().get(0).getResources())
        .build();
  }

  private PodSpec kanikoPod(Build build, BuildSource source, String ref, RepoSecretNames secrets) {
    BuildServiceConfig.BuildResources r = config.resources();
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(config.kanikoImage())
        .withArgs(args(build, source, ref))
        .withEnv(env(source, secrets.git()))
        .withTerminationMessagePath(DIGEST_FILE)
        // on failure the digest file is empty: Kubernetes then keeps the log's last lines
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .addNewVolumeMount()
        .withName(DOCKER_CONFIG_VOLUME)
        .withMountPath(DOCKER_CONFIG_PATH)
        .withReadOnly(true)
        .endVolumeMount()
        .withNewResources()
        .addToRequests("cpu", new Quantity(r.cpuRequest()))
        .addToRequests("memory", new Quantity(r.memoryRequest()))
        .addToLimits("cpu", new Quantity(r.cpuLimit()))
        .addToLimits("memory", new Quantity(r.memoryLimit()))
        .endResources()
        .endContainer()
        .addNewVolume()
        .withName(DOCKER_CONFIG_VOLUME)
        .withNewSecret()
        .withSecretName(secrets.registry() != null ? secrets.registry() : config.registrySecret())
        .addNewItem()
        .withKey(".dockerconfigjson")
        .withPath("config.json")
        .endItem()
        .endSecret()
        .endVolume()
        .build();
  }

  /** The executor's arguments, in a stable order. */
  List<String> args(Build build, BuildSource source, String ref) {
    List<String> args = new ArrayList<>();
    GitRemote remote = GitRemote.of(source.gitRepo());
    if (remote.ssh().isPresent()) {
      args.add("--context=" + GitCloneSpec.kanikoContext(source.contextDir()));
    } else {
      args.add("--context=" + remote.kanikoContext(ref, build.commit()));
      if (!source.contextDir().equals(".") && !source.contextDir().equals("./")) {
        args.add("--context-sub-path=" + source.contextDir());
      }
    }
    args.add("--dockerfile=" + source.dockerfile());
    args.add("--destination=" + build.image());
    args.add("--digest-file=" + DIGEST_FILE);
    if (!source.noCache() && config.cacheRepo() != null && !config.cacheRepo().isBlank()) {
      args.add("--cache=true");
      args.add("--cache-repo=" + config.cacheRepo());
    }
    config.registryMirrors().forEach(m -> args.add("--registry-mirror=" + m));
    for (String registry : config.insecureRegistries()) {
      args.add("--insecure-registry=" + registry);
      args.add("--skip-tls-verify-registry=" + registry);
    }
    return args;
  }

  private List<EnvVar> env(BuildSource source, String gitSecret) {
    List<EnvVar> env = proxyEnv();
    if (GitRemote.of(source.gitRepo()).plainHttp()) {
      env.add(new EnvVarBuilder().withName("GIT_PULL_METHOD").withValue("http").build());
    }
    // SSH credentials go to the clone only: Kaniko never sees them
    if (gitSecret != null && GitRemote.of(source.gitRepo()).ssh().isEmpty()) {
      env.add(fromSecret("GIT_USERNAME", gitSecret, GitSecretSpec.USERNAME_KEY));
      env.add(fromSecret("GIT_PASSWORD", gitSecret, GitSecretSpec.PASSWORD_KEY));
    }
    return env;
  }

  /**
   * Kaniko's git context reads {@code GIT_USERNAME}/{@code GIT_PASSWORD}; a reference, never the
   * value, so that the Job and Pod specs (readable by anyone who may list Jobs) hold no secret.
   */
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

  private List<EnvVar> proxyEnv() {
    List<EnvVar> env = new ArrayList<>();
    String proxy = config.httpProxy();
    if (proxy != null && !proxy.isBlank()) {
      for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
        env.add(new EnvVarBuilder().withName(name).withValue(proxy).build());
      }
    }
    String noProxy = config.noProxy();
    if (noProxy != null && !noProxy.isBlank()) {
      for (String name : List.of("NO_PROXY", "no_proxy")) {
        env.add(new EnvVarBuilder().withName(name).withValue(noProxy).build());
      }
    }
    return env;
  }
}
