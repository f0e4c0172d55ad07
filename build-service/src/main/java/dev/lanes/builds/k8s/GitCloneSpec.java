package dev.lanes.builds.k8s;

import dev.lanes.common.net.SshGitUrl;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.List;

/**
 * The init container of a build whose repository Kaniko cannot clone itself (SSH): it clones the
 * pinned commit into an emptyDir that Kaniko then builds as a {@code dir://} context. The key and
 * known_hosts come from the Secret {@code {repo}-git} as files readable by their owner only, and
 * {@code ssh} trusts the host keys of that known_hosts alone. Pure.
 */
public final class GitCloneSpec {

  public static final String CONTAINER = "git-clone";
  public static final String WORKSPACE_VOLUME = "workspace";
  public static final String WORKSPACE_PATH = "/workspace";

  /** Where the sources are checked out, inside the workspace. */
  public static final String SOURCE_PATH = WORKSPACE_PATH + "/src";

  static final String SSH_VOLUME = "git-ssh";
  static final String SSH_PATH = "/etc/lanes/git";
  // owner read only: ssh refuses a private key that others may read
  static final int KEY_FILE_MODE = 0400;

  static final String GIT_SSH_COMMAND =
      "ssh -F /dev/null -i "
          + SSH_PATH
          + "/"
          + GitSecretSpec.SSH_PRIVATE_KEY
          + " -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes"
          + " -o UserKnownHostsFile="
          + SSH_PATH
          + "/"
          + GitSecretSpec.KNOWN_HOSTS_KEY
          + " -o GlobalKnownHostsFile=/dev/null";

  /**
   * Fetches the commit alone where the server allows it (GitHub, GitLab do), else the ref it was
   * resolved from, then checks out exactly the commit: a branch moved since is not built. The
   * values come from the environment, never from the script's text.
   */
  static final String SCRIPT =
      String.join(
          "\n",
          "set -eu",
          "git init -q \"$SOURCE_DIR\"",
          "cd \"$SOURCE_DIR\"",
          "git remote add origin \"$GIT_REPO\"",
          "git fetch -q --depth=1 origin \"$GIT_COMMIT\" || git fetch -q origin \"$GIT_REF\"",
          "git -c advice.detachedHead=false checkout -q --detach \"$GIT_COMMIT\"",
          "echo \"checked out $GIT_COMMIT\"");

  private final String image;

  public GitCloneSpec(String image) {
    this.image = image;
  }

  /**
   * @param url the repository as {@code git_repo} names it: the pod's ssh connects to it itself
   * @param ref the ref the commit was resolved from
   */
  public Container container(SshGitUrl url, String ref, String commit) {
    return new ContainerBuilder()
        .withName(CONTAINER)
        .withImage(image)
        .withCommand("sh", "-c", SCRIPT)
        .addNewEnv()
        .withName("GIT_REPO")
        .withValue(url.toString())
        .endEnv()
        .addNewEnv()
        .withName("GIT_REF")
        .withValue(ref)
        .endEnv()
        .addNewEnv()
        .withName("GIT_COMMIT")
        .withValue(commit)
        .endEnv()
        .addNewEnv()
        .withName("SOURCE_DIR")
        .withValue(SOURCE_PATH)
        .endEnv()
        .addNewEnv()
        .withName("GIT_SSH_COMMAND")
        .withValue(GIT_SSH_COMMAND)
        .endEnv()
        .withVolumeMounts(workspaceMount(), sshMount())
        .build();
  }

  /** The workspace both containers mount, and the Secret's files for the clone. */
  public List<Volume> volumes(String gitSecret) {
    return List.of(
        new VolumeBuilder().withName(WORKSPACE_VOLUME).withNewEmptyDir().endEmptyDir().build(),
        new VolumeBuilder()
            .withName(SSH_VOLUME)
            .withNewSecret()
            .withSecretName(gitSecret)
            .withDefaultMode(KEY_FILE_MODE)
            // a Secret deleted under the Job fails the pod at start, not a clone without a key
            .withOptional(false)
            .addNewItem()
            .withKey(GitSecretSpec.SSH_PRIVATE_KEY)
            .withPath(GitSecretSpec.SSH_PRIVATE_KEY)
            .endItem()
            .addNewItem()
            .withKey(GitSecretSpec.KNOWN_HOSTS_KEY)
            .withPath(GitSecretSpec.KNOWN_HOSTS_KEY)
            .endItem()
            .endSecret()
            .build());
  }

  /** The workspace as both containers mount it: the clone writes it, Kaniko builds from it. */
  public static VolumeMount workspaceMount() {
    return new VolumeMountBuilder()
        .withName(WORKSPACE_VOLUME)
        .withMountPath(WORKSPACE_PATH)
        .build();
  }

  private static VolumeMount sshMount() {
    return new VolumeMountBuilder()
        .withName(SSH_VOLUME)
        .withMountPath(SSH_PATH)
        .withReadOnly(true)
        .build();
  }

  /** Kaniko's {@code --context}: the checked-out sources, at the repo's context directory. */
  public static String kanikoContext(String contextDir) {
    String dir = contextDir.equals(".") || contextDir.equals("./") ? "" : "/" + contextDir;
    return "dir://" + SOURCE_PATH + dir;
  }
}
