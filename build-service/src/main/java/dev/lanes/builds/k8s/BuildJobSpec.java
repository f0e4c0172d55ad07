package dev.lanes.builds.k8s;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.builds.git.GitRemote;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.domain.Build;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kaniko Job of a build: pure, no client, no clock. The context is pinned to the resolved
 * commit, the pushed digest comes back as the container's termination message, and the Job never
 * retries (a failed build is a result, not a glitch). What it shares with BuildKit's Job is {@link
 * BuildJobFrame}'s.
 */
public final class BuildJobSpec {

  public static final String CONTAINER = "kaniko";
  public static final String DIGEST_FILE = BuildJobFrame.DIGEST_FILE;
  static final String DOCKER_CONFIG_PATH = "/kaniko/.docker";

  private final BuildServiceConfig config;
  private final BuildJobFrame frame;

  public BuildJobSpec(BuildServiceConfig config) {
    this.config = config;
    this.frame = new BuildJobFrame(config);
  }

  /**
   * @param build a queued build: its commit, tag and image are set
   * @param ref the ref Kaniko fetches to find the commit
   */
  public Job desired(Build build, BuildSource source, String ref) {
    return desired(build, source, ref, null);
  }

  /**
   * @param gitSecret the Secret with the image repo's git credentials ({@link GitSecretSpec}), or
   *     {@code null} for a public repository
   */
  public Job desired(Build build, BuildSource source, String ref, String gitSecret) {
    return frame.job(build, podSpec(build, source, ref, gitSecret));
  }

  private PodSpec podSpec(Build build, BuildSource source, String ref, String gitSecret) {
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .addNewContainer()
        .withName(CONTAINER)
        .withImage(config.kanikoImage())
        .withArgs(args(build, source, ref))
        .withEnv(env(gitSecret))
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
        .addToVolumes(frame.dockerConfig())
        .build();
  }

  /** The executor's arguments, in a stable order. */
  List<String> args(Build build, BuildSource source, String ref) {
    List<String> args = new ArrayList<>();
    args.add("--context=" + GitRemote.of(source.gitRepo()).kanikoContext(ref, build.commit()));
    if (!source.contextDir().equals(".") && !source.contextDir().equals("./")) {
      args.add("--context-sub-path=" + source.contextDir());
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

  /** Kaniko's git context reads {@code GIT_USERNAME}/{@code GIT_PASSWORD}. */
  private List<EnvVar> env(String gitSecret) {
    List<EnvVar> env = frame.proxyEnv();
    if (gitSecret != null) {
      env.addAll(BuildJobFrame.gitCredentials(gitSecret));
    }
    return env;
  }
}
