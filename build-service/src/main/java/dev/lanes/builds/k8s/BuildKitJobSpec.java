package dev.lanes.builds.k8s;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.builds.git.GitRemote;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.domain.Build;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;

/**
 * The rootless BuildKit Job of a build: pure, no client, no clock. {@code buildctl-daemonless.sh}
 * starts a buildkitd inside the container (no privileges: user 1000, seccomp and AppArmor
 * unconfined so that rootlesskit may create its user namespace, no process sandbox), builds the git
 * context pinned to the resolved commit with the Dockerfile frontend and pushes the image. A short
 * shell wrapper then writes the pushed digest from buildctl's metadata file to the termination
 * message, where Kaniko's digest goes too, so the Job watcher reads both alike.
 */
public final class BuildKitJobSpec {

  public static final String CONTAINER = "buildkit";
  static final String HOME = "/home/user";
  static final String DOCKER_CONFIG_PATH = HOME + "/.docker";
  static final String STATE_VOLUME = "buildkitd";
  static final String STATE_PATH = HOME + "/.local/share/buildkit";
  static final String METADATA_FILE = "/tmp/buildctl-metadata.json";
  static final long ROOTLESS_UID = 1000L;

  /**
   * Runs buildctl with the container's arguments, then reports the digest. With git credentials,
   * BuildKit's git source takes an {@code Authorization} header from the secret {@code
   * GIT_AUTH_HEADER}; it is made here from the Secret's variables, so no spec holds it.
   */
  static final String WRAPPER =
      String.join(
          "\n",
          "set -eu",
          "if [ -n \"${GIT_USERNAME:-}\" ]; then",
          "  GIT_AUTH_HEADER=\"Basic $(printf '%s:%s' \"$GIT_USERNAME\" \"$GIT_PASSWORD\""
              + " | base64 | tr -d '\\n')\"",
          "  export GIT_AUTH_HEADER",
          "fi",
          "buildctl-daemonless.sh \"$@\"",
          "grep -o '\"containerimage.digest\": *\"sha256:[0-9a-f]*\"' "
              + METADATA_FILE
              + " | grep -o 'sha256:[0-9a-f]*' | tr -d '\\n' > "
              + BuildJobFrame.DIGEST_FILE);

  /** The variables build secrets reach buildctl in: {@code LANES_BUILD_SECRET_<NAME>}. */
  static final String BUILD_SECRET_ENV_PREFIX = "LANES_BUILD_SECRET_";

  private final BuildServiceConfig config;
  private final BuildJobFrame frame;

  public BuildKitJobSpec(BuildServiceConfig config) {
    this.config = config;
    this.frame = new BuildJobFrame(config);
  }

  /**
   * @param build a queued build: its commit, tag and image are set
   * @param gitSecret the Secret with the image repo's git credentials ({@link GitSecretSpec}), or
   *     {@code null} for a public repository
   */
  public Job desired(Build build, BuildSource source, String gitSecret) {
    return desired(build, source, new BuildJobSpec.RepoSecretNames(gitSecret, null));
  }

  /**
   * @param secrets the image repo's Secrets: git credentials, registry credentials (the platform's
   *     {@code REGISTRY_SECRET} when it has none)
   */
  public Job desired(Build build, BuildSource source, BuildJobSpec.RepoSecretNames secrets) {
    return frame.job(build, podSpec(build, source, secrets));
  }

  private PodSpec podSpec(Build build, BuildSource source, BuildJobSpec.RepoSecretNames secrets) {
    return new PodSpecBuilder()
        .withRestartPolicy("Never")
        .withAutomountServiceAccountToken(false)
        .addToContainers(container(build, source, secrets))
        .addToVolumes(frame.dockerConfig(secrets.registry()))
        .addNewVolume()
        .withName(STATE_VOLUME)
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .build();
  }

  private Container container(
      Build build, BuildSource source, BuildJobSpec.RepoSecretNames secrets) {
    List<String> args = new ArrayList<>(args(build, source, secrets.git() != null));
    List<EnvVar> env = new ArrayList<>(env(secrets.git()));
    for (String name : secrets.buildSecretNames()) {
      // each from the repo's Secret by reference, under a name of ours: a secret called
      // DOCKER_CONFIG or HTTP_PROXY cannot change how buildctl runs
      String variable = BUILD_SECRET_ENV_PREFIX + name;
      args.add("--secret=id=" + name + ",env=" + variable);
      env.add(BuildJobFrame.fromSecret(variable, secrets.buildSecrets(), name));
    }
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(config.buildkitImage())
        // "$0" of the wrapper, then buildctl's arguments as "$@"
        .withCommand("/bin/sh", "-c", WRAPPER, "buildctl")
        .withArgs(args)
        .withEnv(env)
        .withSecurityContext(rootless())
        .withTerminationMessagePath(BuildJobFrame.DIGEST_FILE)
        // on failure the digest file is empty: Kubernetes then keeps the log's last lines
        .withTerminationMessagePolicy("FallbackToLogsOnError")
        .addNewVolumeMount()
        .withName(BuildJobFrame.DOCKER_CONFIG_VOLUME)
        .withMountPath(DOCKER_CONFIG_PATH)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(STATE_VOLUME)
        .withMountPath(STATE_PATH)
        .endVolumeMount()
        .withResources(frame.resources())
        .build();
  }

  /** What rootless BuildKit needs, and nothing more (moby/buildkit docs/rootless.md). */
  static SecurityContext rootless() {
    return new SecurityContextBuilder()
        .withRunAsUser(ROOTLESS_UID)
        .withRunAsGroup(ROOTLESS_UID)
        .withNewSeccompProfile()
        .withType("Unconfined")
        .endSeccompProfile()
        // the field of Kubernetes 1.30+; older API servers drop it and apply their default profile
        .withNewAppArmorProfile()
        .withType("Unconfined")
        .endAppArmorProfile()
        .build();
  }

  /** buildctl's arguments, in a stable order. */
  List<String> args(Build build, BuildSource source, boolean gitAuth) {
    String context =
        GitRemote.of(source.gitRepo()).buildkitContext(build.commit(), source.contextDir());
    boolean insecure = frame.insecure(build.image());
    List<String> args = new ArrayList<>();
    args.add("build");
    args.add("--frontend=dockerfile.v0");
    args.add("--opt=context=" + context);
    args.add("--opt=filename=" + source.dockerfile());
    source.buildArgs().forEach((name, value) -> args.add("--opt=build-arg:" + name + "=" + value));
    args.add(
        "--output=type=image,name="
            + build.image()
            + ",push=true"
            + (insecure ? ",registry.insecure=true" : ""));
    args.add("--metadata-file=" + METADATA_FILE);
    if (gitAuth) {
      args.add("--secret=id=GIT_AUTH_HEADER,env=GIT_AUTH_HEADER");
    }
    args.addAll(cacheArgs(build, source));
    return args;
  }

  /**
   * The registry cache, one tag per image repo: BuildKit keeps a repository's whole cache in one
   * manifest, which two repos sharing a tag would overwrite in turn.
   */
  private List<String> cacheArgs(Build build, BuildSource source) {
    if (source.noCache()) {
      return List.of("--no-cache");
    }
    String repo = frame.cacheRepo(source);
    if (repo == null) {
      return List.of();
    }
    String ref = repo + ":buildkit-" + build.imageRepo();
    String insecure = frame.insecure(repo) ? ",registry.insecure=true" : "";
    return List.of(
        "--export-cache=type=registry,ref=" + ref + ",mode=max" + insecure,
        "--import-cache=type=registry,ref=" + ref + insecure);
  }

  private List<EnvVar> env(String gitSecret) {
    List<EnvVar> env = frame.proxyEnv();
    env.add(value("BUILDKITD_FLAGS", "--oci-worker-no-process-sandbox"));
    env.add(value("DOCKER_CONFIG", DOCKER_CONFIG_PATH));
    if (gitSecret != null) {
      env.addAll(BuildJobFrame.gitCredentials(gitSecret));
    }
    return env;
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
