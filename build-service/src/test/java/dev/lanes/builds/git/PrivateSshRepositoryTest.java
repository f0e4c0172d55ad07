package dev.lanes.builds.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.net.GitNetworks;
import dev.lanes.testkit.GitSshServer;
import dev.lanes.testkit.TestSshKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refs of a private repository over SSH, served by Apache MINA sshd with JGit's upload-pack on
 * loopback: listed with the image repo's key when the server's host key is in its known_hosts,
 * refused with another key or another host key, and no key in what the build would say.
 */
class PrivateSshRepositoryTest {

  private static final KeyPair CLIENT = TestSshKeys.generate();
  private static final KeyPair HOST = TestSshKeys.generate();

  @TempDir static Path dir;
  private static GitSshServer server;
  private static String commit;
  private static GitRemote remote;
  private final RefResolver resolver = new RefResolver(Duration.ofSeconds(10));

  @BeforeAll
  static void privateRepository() throws Exception {
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
        .setDirectory(dir.resolve("root/team/private.git").toFile())
        .call()
        .close();
    server = GitSshServer.start(dir.resolve("root"), "git", CLIENT.getPublic(), HOST);
    remote = GitRemote.of(server.url("team/private.git"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static GitCredentials ssh(KeyPair key, String knownHosts) {
    return GitCredentials.ssh(TestSshKeys.openSsh(key), knownHosts);
  }

  @Test
  void theRightKeyListsTheRefs() throws Exception {
    ResolvedRef ref = resolver.resolve(remote, "main", ssh(CLIENT, server.knownHostsLine()));

    assertThat(ref.commit()).isEqualTo(commit);
    assertThat(ref.ref()).isEqualTo("refs/heads/main");
  }

  @Test
  void aPemKeyListsTheRefsToo() throws Exception {
    KeyPair rsa = TestSshKeys.generateRsa();
    try (GitSshServer rsaServer =
        GitSshServer.start(dir.resolve("root"), "git", rsa.getPublic(), HOST)) {
      GitCredentials pem = GitCredentials.ssh(TestSshKeys.pem(rsa), rsaServer.knownHostsLine());

      ResolvedRef ref =
          resolver.resolve(GitRemote.of(rsaServer.url("team/private.git")), "main", pem);

      assertThat(ref.commit()).isEqualTo(commit);
    }
  }

  @Test
  void ed25519KeysAndHostKeysListTheRefs() throws Exception {
    KeyPair ed = TestSshKeys.generateEd25519();
    KeyPair edHost = TestSshKeys.generateEd25519();
    try (GitSshServer edServer =
        GitSshServer.start(dir.resolve("root"), "git", ed.getPublic(), edHost)) {
      GitCredentials creds = GitCredentials.ssh(TestSshKeys.openSsh(ed), edServer.knownHostsLine());

      ResolvedRef ref =
          resolver.resolve(GitRemote.of(edServer.url("team/private.git")), "main", creds);

      assertThat(ref.commit()).isEqualTo(commit);
      assertThat(edServer.knownHostsLine()).contains("ssh-ed25519");
    }
  }

  @Test
  void aWrongKeyFailsSayingAuthenticationFailedWithoutSayingTheKey() {
    GitCredentials wrong = ssh(TestSshKeys.generate(), server.knownHostsLine());

    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class, () -> resolver.resolve(remote, "main", wrong));

    assertThat(e.reason()).isEqualTo(BuildReason.AUTH_FAILED);
    assertThat(e.getMessage())
        .contains("authentication failed")
        .doesNotContain("PRIVATE KEY")
        .doesNotContain(wrong.privateKey().lines().skip(1).findFirst().orElseThrow());
  }

  @Test
  void aHostKeyNotInKnownHostsFailsSayingSo() {
    String otherHost = TestSshKeys.knownHostsLine("git.example.com", HOST);
    int servedBefore = server.served();

    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class,
            () -> resolver.resolve(remote, "main", ssh(CLIENT, otherHost)));

    assertThat(e.reason()).isEqualTo(BuildReason.AUTH_FAILED);
    assertThat(e.getMessage())
        .contains("host key for [127.0.0.1]:" + server.port() + " is not in")
        .contains("known_hosts");
    assertThat(server.served()).isEqualTo(servedBefore);
  }

  @Test
  void aHostKeyThatDoesNotMatchItsLineFailsSayingSo() {
    String otherKey =
        TestSshKeys.knownHostsLine("[127.0.0.1]:" + server.port(), TestSshKeys.generate());

    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class,
            () -> resolver.resolve(remote, "main", ssh(CLIENT, otherKey)));

    assertThat(e.reason()).isEqualTo(BuildReason.AUTH_FAILED);
    assertThat(e.getMessage()).contains("does not match");
  }

  @Test
  void noSshCredentialsFailSayingAuthenticationFailed() {
    RefResolutionException e =
        catchThrowableOfType(RefResolutionException.class, () -> resolver.resolve(remote, "main"));

    assertThat(e.reason()).isEqualTo(BuildReason.AUTH_FAILED);
    assertThat(e.getMessage()).contains("authentication failed").contains("type ssh");
  }

  @Test
  void aRefusedAddressIsRefusedBeforeAnyConnection() {
    RefResolver guarded =
        new RefResolver(
            Duration.ofSeconds(10), GitNetworks.of(List.of(), false), GitNetworks.Resolver.SYSTEM);
    int refusedBefore = server.refused();
    int servedBefore = server.served();

    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class,
            () -> guarded.resolve(remote, "main", ssh(CLIENT, server.knownHostsLine())));

    assertThat(e.reason()).isEqualTo(BuildReason.GIT_REPO_NOT_ALLOWED);
    assertThat(server.refused()).isEqualTo(refusedBefore);
    assertThat(server.served()).isEqualTo(servedBefore);
  }
}
