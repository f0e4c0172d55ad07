package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * The init container that clones an SSH repository for a build (build-service's {@code
 * GitCloneSpec}), done for real: the key and known_hosts are read from the Secret the pod's volume
 * names, through the files {@code GIT_SSH_COMMAND} points at ({@code -i} and {@code
 * UserKnownHostsFile}), and the pinned commit is fetched over SSH with JGit, trusting only that
 * known_hosts. So a Job without the Secret, with a Secret lacking a key, with the wrong key or with
 * a host key not listed fails here as its pod would in a cluster. The checkout goes to the pod's
 * workspace volume ({@link PodScratch}, at {@code SOURCE_DIR}), where the simulated Kaniko reads
 * its {@code dir://} context.
 */
final class GitCloneWorkload {

  private static final Pattern IDENTITY = Pattern.compile("(?:^|\\s)-i\\s+(\\S+)");
  private static final Pattern KNOWN_HOSTS = Pattern.compile("UserKnownHostsFile=(\\S+)");
  private static final File NO_HOME = new File("/nonexistent/lanes-sandbox");

  private final KubernetesClient client;

  GitCloneWorkload(KubernetesClient client) {
    this.client = client;
  }

  /** Whether {@code container} is the clone of an SSH build: it says how ssh is to run. */
  static boolean isClone(Container container) {
    return env(container, "GIT_SSH_COMMAND").isPresent() && env(container, "GIT_REPO").isPresent();
  }

  /**
   * Runs the pod's clone init containers in order, as a kubelet runs init containers before the
   * others.
   *
   * @return the first that failed, or empty when all succeeded (or there are none)
   */
  Optional<Workload.Outcome> runInitContainers(Pod pod, Workload.Run run) {
    if (pod.getSpec().getInitContainers() == null) {
      return Optional.empty();
    }
    for (Container init : pod.getSpec().getInitContainers()) {
      if (isClone(init)) {
        Workload.Outcome outcome = run(pod, init, run);
        if (!outcome.isSuccess()) {
          return Optional.of(outcome);
        }
      }
    }
    return Optional.empty();
  }

  /** Runs {@code container} of {@code pod}: succeeded when the commit was checked out. */
  Workload.Outcome run(Pod pod, Container container, Workload.Run run) {
    String repo = env(container, "GIT_REPO").orElseThrow();
    String commit = env(container, "GIT_COMMIT").orElse("");
    String ref = env(container, "GIT_REF").orElse("HEAD");
    String ssh = env(container, "GIT_SSH_COMMAND").orElseThrow();
    try {
      String key = file(pod, container, find(IDENTITY, ssh, "-i"));
      String knownHosts = file(pod, container, find(KNOWN_HOSTS, ssh, "UserKnownHostsFile"));
      Optional<Path> into =
          env(container, "SOURCE_DIR").flatMap(dir -> run.scratch().resolve(container, dir));
      clone(repo, ref, commit, key, knownHosts, into);
      run.log("checked out " + commit);
      return Workload.Outcome.succeeded("");
    } catch (CloneFailure e) {
      run.log(e.getMessage());
      return Workload.Outcome.failed(e.getMessage());
    }
  }

  private static String find(Pattern option, String ssh, String name) throws CloneFailure {
    Matcher m = option.matcher(ssh);
    if (!m.find()) {
      throw new CloneFailure("GIT_SSH_COMMAND names no " + name + " file");
    }
    return m.group(1);
  }

  /** What the container reads at {@code path}: a key of the Secret its volume mounts there. */
  private String file(Pod pod, Container container, String path) throws CloneFailure {
    for (VolumeMount mount : container.getVolumeMounts()) {
      String dir =
          mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
      if (path.startsWith(dir)) {
        return fromVolume(pod, mount.getName(), path.substring(dir.length()), path);
      }
    }
    throw new CloneFailure(
        "Warning: Identity file " + path + " not accessible: No such file or directory");
  }

  private String fromVolume(Pod pod, String volumeName, String file, String path)
      throws CloneFailure {
    SecretVolumeSource source =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals(volumeName))
            .map(Volume::getSecret)
            .findFirst()
            .orElse(null);
    if (source == null) {
      throw new CloneFailure(
          path + ": No such file or directory (volume " + volumeName + " is not a Secret)");
    }
    Secret secret =
        client
            .secrets()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(source.getSecretName())
            .get();
    if (secret == null) {
      // what the kubelet reports; the pod never starts
      throw new CloneFailure(
          "MountVolume.SetUp failed for volume \""
              + volumeName
              + "\" : secret \""
              + source.getSecretName()
              + "\" not found");
    }
    String key = file;
    if (source.getItems() != null && !source.getItems().isEmpty()) {
      key =
          source.getItems().stream()
              .filter(i -> i.getPath().equals(file))
              .map(KeyToPath::getKey)
              .findFirst()
              .orElseThrow(() -> new CloneFailure(path + ": No such file or directory"));
    }
    String value = ContainerEnv.value(secret, key);
    if (value == null) {
      throw new CloneFailure(
          "MountVolume.SetUp failed for volume \""
              + volumeName
              + "\" : references non-existent secret key: "
              + key);
    }
    return value;
  }

  /**
   * @param into the pod's volume the checkout goes to, for the build container to read; empty: a
   *     temporary directory, deleted after
   */
  private static void clone(
      String repo, String ref, String commit, String key, String knownHosts, Optional<Path> into)
      throws CloneFailure {
    KeyPair identity = identity(key);
    List<KnownHostEntry> hosts = knownHosts(knownHosts);
    Path dir = null;
    try (SshdSessionFactory sessions = sessions(identity, hosts)) {
      if (into.isPresent()) {
        Files.createDirectories(into.get());
      }
      dir = into.isPresent() ? into.get() : Files.createTempDirectory("lanes-sandbox-clone");
      try (Git git = Git.init().setDirectory(dir.toFile()).call()) {
        git.remoteAdd().setName("origin").setUri(new URIish(repo)).call();
        git.fetch()
            .setRemote("origin")
            .setRefSpecs(new RefSpec(ref + ":refs/remotes/origin/build"))
            .setTransportConfigCallback(t -> ((SshTransport) t).setSshSessionFactory(sessions))
            .call();
        git.checkout().setName(commit).call();
      }
    } catch (Exception e) {
      if (rootMessage(e).contains("Server key did not validate")) {
        // OpenSSH's words under StrictHostKeyChecking=yes
        throw new CloneFailure(
            "Host key verification failed.\nfatal: Could not read from remote repository.");
      }
      throw new CloneFailure(
          "fatal: could not read from remote repository " + repo + ": " + rootMessage(e));
    } finally {
      if (into.isEmpty()) {
        delete(dir);
      }
    }
  }

  private static KeyPair identity(String key) throws CloneFailure {
    try {
      Collection<KeyPair> keys =
          SecurityUtils.getKeyPairResourceParser()
              .loadKeyPairs(
                  null,
                  NamedResource.ofName("ssh-privatekey"),
                  (session, resource, retry) -> null,
                  key.lines().toList());
      if (keys.size() == 1) {
        return keys.iterator().next();
      }
    } catch (Exception e) {
      // said below without the key
    }
    throw new CloneFailure("Load key \"ssh-privatekey\": invalid format");
  }

  private static List<KnownHostEntry> knownHosts(String text) {
    List<KnownHostEntry> hosts = new ArrayList<>();
    for (String line : text.lines().toList()) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        KnownHostEntry entry = KnownHostEntry.parseKnownHostEntry(trimmed);
        if (entry != null && entry.getKeyEntry() != null && entry.getMarker() == null) {
          hosts.add(entry);
        }
      }
    }
    return hosts;
  }

  private static SshdSessionFactory sessions(KeyPair identity, List<KnownHostEntry> hosts) {
    return new SshdSessionFactoryBuilder()
        .setHomeDirectory(NO_HOME)
        .setSshDirectory(new File(NO_HOME, ".ssh"))
        .setConfigStoreFactory((home, config, user) -> null)
        .setDefaultKnownHostsFiles(sshDir -> List.of())
        .setDefaultIdentities(sshDir -> List.of())
        .setDefaultKeysProvider(sshDir -> List.of(identity))
        .setServerKeyDatabase((home, sshDir) -> new StrictHostKeys(hosts))
        .setConnectorFactory(null)
        .setPreferredAuthentications("publickey")
        .build(null);
  }

  /** StrictHostKeyChecking=yes with UserKnownHostsFile: a host key not listed is refused. */
  private record StrictHostKeys(List<KnownHostEntry> hosts) implements ServerKeyDatabase {
    @Override
    public List<PublicKey> lookup(String address, InetSocketAddress remote, Configuration config) {
      return keys(remote);
    }

    @Override
    public boolean accept(
        String address,
        InetSocketAddress remote,
        PublicKey key,
        Configuration config,
        CredentialsProvider provider) {
      return keys(remote).stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
    }

    private List<PublicKey> keys(InetSocketAddress remote) {
      List<PublicKey> keys = new ArrayList<>();
      for (KnownHostEntry h : hosts) {
        if (h.isHostMatch(remote.getHostString(), remote.getPort())) {
          try {
            keys.add(h.getKeyEntry().resolvePublicKey(null, PublicKeyEntryResolver.IGNORING));
          } catch (IOException | java.security.GeneralSecurityException e) {
            // a line sshd cannot read trusts nothing
          }
        }
      }
      keys.removeIf(java.util.Objects::isNull);
      return keys;
    }
  }

  private static Optional<String> env(Container container, String name) {
    if (container.getEnv() == null) {
      return Optional.empty();
    }
    return container.getEnv().stream()
        .filter(e -> e.getName().equals(name) && e.getValue() != null)
        .map(EnvVar::getValue)
        .findFirst();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      // a temporary directory left behind is not the build's failure
    }
  }

  /** How the clone failed, as git and ssh would print it; never a key. */
  static final class CloneFailure extends Exception {
    CloneFailure(String message) {
      super(message, null, false, false);
    }
  }
}
