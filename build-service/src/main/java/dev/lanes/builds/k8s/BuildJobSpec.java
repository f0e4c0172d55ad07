package dev.lanes.builds.k8s;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.builds.git.GitRemote;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.domain.Build;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.common.net.SshGitUrl;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The Kaniko Job of a build: pure, no client, no clock. The context is pinned to the resolved
 * commit (for an SSH repository, cloned at that commit by {@link GitCloneSpec}'s init container),
 * the pushed digest comes back as the container's termination message, and the Job never retries (a
 * failed build is a result, not a glitch). What it shares with BuildKit's Job is {@link
 * BuildJobFrame}'s.
 */
public final class BuildJobSpec {

  public static final String CONTAINER = "kaniko";
  public static final String DIGEST_FILE = BuildJobFrame.DIGEST_FILE;
  static final String DOCKER_CONFIG_PATH = "/kaniko/.docker";

  private final BuildServiceConfig config;
  private final BuildJobFrame frame;
  private final GitCloneSpec clone;

  public BuildJobSpec(BuildServiceConfig config) {
    this.config = config;
    this.frame = new BuildJobFrame(config);
    this.clone = new GitCloneSpec(config.gitCloneImage());
  }

  /**
   * The image repo's own Secrets a build pod reads, each {@code null} when the repo has none.
   *
   * @param git git credentials ({@link GitSecretSpec}): none for a public repository
   * @param registry registry credentials ({@link RegistrySecretSpec}): none, and the platform's
   *     {@code REGISTRY_SECRET} is mounted
   * @param buildSecrets build secrets ({@link BuildSecretsSpec}), for BuildKit only
   * @param buildSecretNames the keys of {@code buildSecrets}, in name order
   */
  public record RepoSecretNames(
      String git, String registry, String buildSecrets, List<String> buildSecretNames) {
    public static final RepoSecretNames NONE = new RepoSecretNames(null, null);

    public RepoSecretNames(String git, String registry) {
      this(git, registry, null, List.of());
    }
  }

  /**
   * @param build a queued build: its commit, tag and image are set
   * @param ref the ref Kaniko fetches to find the commit
   */
  public Job desired(Build build, BuildSource source, String ref) {
    return desired(build, source, ref, RepoSecretNames.NONE);
  }

  /**
   * @param gitSecret the Secret with the image repo's git credentials ({@link GitSecretSpec}), or
   *     {@code null} for a public repository
   */
  public Job desired(Build build, BuildSource source, String ref, String gitSecret) {
    return desired(build, source, ref, new RepoSecretNames(gitSecret, null));
  }

  public Job desired(Build build, BuildSource source, String ref, RepoSecretNames secrets) {
    return frame.job(build, podSpec(build, source, ref, secrets));
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
        .withName(BuildJobFrame.DOCKER_CONFIG_VOLUME)
        .withMountPath(DOCKER_CONFIG_PATH)
        .withReadOnly(true)
        .endVolumeMount()
        .withResources(frame.resources())
        .endContainer()
        .addToVolumes(frame.dockerConfig(secrets.registry()))
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
    source.buildArgs().forEach((name, value) -> args.add("--build-arg=" + name + "=" + value));
    String cacheRepo = frame.cacheRepo(source);
    if (cacheRepo != null) {
      args.add("--cache=true");
      args.add("--cache-repo=" + cacheRepo);
    }
    config.registryMirrors().forEach(m -> args.add("--registry-mirror=" + m));
    for (String registry : config.insecureRegistries()) {
      args.add("--insecure-registry=" + registry);
      args.add("--skip-tls-verify-registry=" + registry);
    }
    return args;
  }

  /**
   * Kaniko's git context reads {@code GIT_USERNAME}/{@code GIT_PASSWORD}, and {@code
   * GIT_PULL_METHOD=http} for a plain-http repository; SSH credentials go to the clone only.
   */
  private List<EnvVar> env(BuildSource source, String gitSecret) {
    List<EnvVar> env = frame.proxyEnv();
    GitRemote remote = GitRemote.of(source.gitRepo());
    if (remote.plainHttp()) {
      env.add(new EnvVarBuilder().withName("GIT_PULL_METHOD").withValue("http").build());
    }
    if (gitSecret != null && remote.ssh().isEmpty()) {
      env.addAll(BuildJobFrame.gitCredentials(gitSecret));
    }
    return env;
  }
}
