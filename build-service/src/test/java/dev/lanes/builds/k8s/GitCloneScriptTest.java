package dev.lanes.builds.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lanes.testkit.GitSshServer;
import dev.lanes.testkit.TestSshKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The init container's script and GIT_SSH_COMMAND, run by this machine's own git and OpenSSH
 * against an SSH server on loopback, with the key file at the mode the Secret volume gives it.
 * Skipped where git or ssh is not installed.
 */
class GitCloneScriptTest {

  private static final KeyPair CLIENT = TestSshKeys.generateEd25519();
  private static final KeyPair HOST = TestSshKeys.generateEd25519();

  @TempDir static Path dir;
  private static GitSshServer server;
  private static String commit;

  @BeforeAll
  static void repository() throws Exception {
    Path work = dir.resolve("work");
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      Files.writeString(work.resolve("Dockerfile"), "FROM scratch\n");
      git.add().addFilepattern(".").call();
      commit =
          git.commit()
              .setMessage("first")
              .setAuthor("t", "t@e.com")
              .setCommitter("t", "t@e.com")
              .call()
              .getName();
    }
    Git.cloneRepository()
        .setURI(work.toUri().toString())
        .setBare(true)
        .setDirectory(dir.resolve("root/team/web.git").toFile())
        .call()
        .close();
    server = GitSshServer.start(dir.resolve("root"), "git", CLIENT.getPublic(), HOST);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static boolean installed(String command) {
    try {
      return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** The script as the pod runs it, the Secret's files under {@code secret} instead of /etc. */
  private static Process clone(Path secret, Path source) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("sh", "-c", GitCloneSpec.SCRIPT);
    Map<String, String> env = pb.environment();
    env.put("GIT_REPO", server.url("team/web.git"));
    env.put("GIT_REF", "refs/heads/main");
    env.put("GIT_COMMIT", commit);
    env.put("SOURCE_DIR", source.toString());
    env.put(
        "GIT_SSH_COMMAND",
        GitCloneSpec.GIT_SSH_COMMAND.replace(GitCloneSpec.SSH_PATH, secret.toString()));
    env.put("HOME", dir.toString());
    pb.redirectErrorStream(true);
    return pb.start();
  }

  private static Path secretFiles(String name, String knownHosts) throws IOException {
    Path secret = Files.createDirectories(dir.resolve(name));
    Path key = secret.resolve(GitSecretSpec.SSH_PRIVATE_KEY);
    Files.writeString(key, TestSshKeys.openSsh(CLIENT));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
    Files.writeString(secret.resolve(GitSecretSpec.KNOWN_HOSTS_KEY), knownHosts + "\n");
    return secret;
  }

  private static String run(Process p) throws Exception {
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void clonesThePinnedCommitWithTheKeyAndKnownHosts() throws Exception {
    assumeTrue(installed("git") && installed("ssh"), "git and ssh are installed");
    Path secret = secretFiles("ok", server.knownHostsLine());
    Path source = dir.resolve("src-ok");

    Process p = clone(secret, source);
    String out = run(p);

    assertThat(p.exitValue()).as(out).isZero();
    try (Git git = Git.open(source.toFile())) {
      assertThat(git.getRepository().resolve("HEAD").getName()).isEqualTo(commit);
    }
    assertThat(source.resolve("Dockerfile")).exists();
  }

  @Test
  void aHostKeyNotInKnownHostsStopsTheClone() throws Exception {
    assumeTrue(installed("git") && installed("ssh"), "git and ssh are installed");
    String other =
        TestSshKeys.knownHostsLine("[127.0.0.1]:" + server.port(), TestSshKeys.generateEd25519());
    Path secret = secretFiles("other", other);
    int served = server.served();

    Process p = clone(secret, dir.resolve("src-other"));
    String out = run(p);

    assertThat(p.exitValue()).isNotZero();
    assertThat(out).contains("Host key verification failed");
    assertThat(server.served()).isEqualTo(served);
  }
}
