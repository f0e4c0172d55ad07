package dev.lanes.builds.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.net.GitNetworks;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefResolverTest {

  @TempDir static Path dir;
  private static GitRemote remote;
  private static String first;
  private static String second;
  private static String third;
  private static final RefResolver resolver = new RefResolver(Duration.ofSeconds(5));

  private static String commit(Git git, String content) throws Exception {
    Files.writeString(dir.resolve("repo").resolve("Dockerfile"), content);
    git.add().addFilepattern(".").call();
    RevCommit c =
        git.commit()
            .setMessage(content)
            .setAuthor("t", "t@e.com")
            .setCommitter("t", "t@e.com")
            .call();
    return c.getName();
  }

  @BeforeAll
  static void repository() throws Exception {
    Path repo = dir.resolve("repo");
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      first = commit(git, "FROM a\n");
      git.tag().setName("v1.0.0").setAnnotated(true).setMessage("release").call();
      second = commit(git, "FROM b\n");
      git.tag().setName("light").setAnnotated(false).call();
      git.branchCreate().setName("feature/x").call();
      third = commit(git, "FROM c\n");
    }
    remote = GitRemote.of("file://" + repo);
  }

  @Test
  void resolvesABranchToItsTip() throws Exception {
    ResolvedRef r = resolver.resolve(remote, "main");
    assertThat(r.commit()).isEqualTo(third);
    assertThat(r.ref()).isEqualTo("refs/heads/main");
    assertThat(r.tag()).isEqualTo(third.substring(0, 7));
    assertThat(resolver.resolve(remote, "feature/x").commit()).isEqualTo(second);
    assertThat(resolver.resolve(remote, "refs/heads/feature/x").commit()).isEqualTo(second);
  }

  @Test
  void peelsAnnotatedTagsToTheirCommit() throws Exception {
    ResolvedRef r = resolver.resolve(remote, "v1.0.0");
    assertThat(r.commit()).isEqualTo(first);
    assertThat(r.ref()).isEqualTo("refs/tags/v1.0.0");
    assertThat(resolver.resolve(remote, "light").commit()).isEqualTo(second);
  }

  @Test
  void acceptsAFullCommitAndFindsARefThatHasIt() throws Exception {
    assertThat(resolver.resolve(remote, third))
        .isEqualTo(new ResolvedRef(third, "refs/heads/main"));
    assertThat(resolver.resolve(remote, second).ref()).isEqualTo("refs/heads/feature/x");
    assertThat(resolver.resolve(remote, first.toUpperCase()).commit()).isEqualTo(first);
  }

  @Test
  void resolvesAShortPrefixOfATip() throws Exception {
    assertThat(resolver.resolve(remote, third.substring(0, 7)).commit()).isEqualTo(third);
    assertThat(resolver.resolve(remote, first.substring(0, 8)).ref()).isEqualTo("refs/tags/v1.0.0");
  }

  @Test
  void saysWhichRefDoesNotExist() {
    RefResolutionException e =
        catchThrowableOfType(RefResolutionException.class, () -> resolver.resolve(remote, "nope"));
    assertThat(e).hasMessageContaining("ref 'nope' not found in file://");
    assertThat(e.reason()).isEqualTo(BuildReason.REF_NOT_FOUND);
    assertThat(
            catchThrowableOfType(
                RefResolutionException.class, () -> resolver.resolve(remote, "0000000")))
        .hasMessageContaining("not found");
  }

  @Test
  void saysWhenTheRepositoryCannotBeReached() {
    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class,
            () -> resolver.resolve(GitRemote.of("file://" + dir.resolve("missing")), "main"));
    assertThat(e).hasMessageStartingWith("cannot reach git repository file://");
    assertThat(e.reason()).isEqualTo(BuildReason.REPO_UNREACHABLE);
  }

  @Test
  void givesUpOnAServerThatNeverAnswers() throws Exception {
    List<Socket> held = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread accept =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (Exception ignored) {
                  // closed by the test
                }
              });
      accept.setDaemon(true);
      accept.start();
      RefResolver impatient = new RefResolver(Duration.ofSeconds(1));
      long start = System.nanoTime();
      RefResolutionException e =
          catchThrowableOfType(
              RefResolutionException.class,
              () ->
                  impatient.resolve(
                      GitRemote.of("git://127.0.0.1:" + silent.getLocalPort() + "/web"), "main"));
      assertThat(e.reason()).isEqualTo(BuildReason.REPO_UNREACHABLE);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void saysWhenTheServerWantsCredentials() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          exchange.sendResponseHeaders(401, -1);
          exchange.close();
        });
    server.start();
    try {
      RefResolutionException e =
          catchThrowableOfType(
              RefResolutionException.class,
              () ->
                  resolver.resolve(
                      new GitRemote(
                          "http://127.0.0.1:" + server.getAddress().getPort() + "/team/private",
                          "git://unused",
                          false),
                      "main"));

      assertThat(e.reason()).isEqualTo(BuildReason.AUTH_FAILED);
      assertThat(e).hasMessageContaining("authentication failed");
    } finally {
      server.stop(0);
    }
  }

  /** Names a test's resolver gives out; none of these addresses is ever contacted. */
  private static final GitNetworks.Resolver TEST_DNS =
      host -> {
        if (host.equals("git.internal.example")) {
          return new java.net.InetAddress[] {
            java.net.InetAddress.getByAddress(host, new byte[] {10, 0, 0, 7})
          };
        }
        throw new java.net.UnknownHostException(host);
      };

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "https://git.internal.example/team/app.git",
        "https://169.254.169.254/latest/meta-data",
        "https://127.0.0.1:1/team/app.git",
        "https://[::ffff:10.0.0.1]/team/app.git"
      })
  void aRepositoryOnARefusedAddressIsRefusedBeforeAnyConnection(String url) {
    RefResolver guarded =
        new RefResolver(
            Duration.ofSeconds(1), GitNetworks.of(java.util.List.of(), false), TEST_DNS);

    assertThatThrownBy(() -> guarded.resolve(GitRemote.of(url), "main"))
        .isInstanceOfSatisfying(
            RefResolutionException.class,
            e -> {
              assertThat(e.reason()).isEqualTo(BuildReason.GIT_REPO_NOT_ALLOWED);
              assertThat(e.getMessage()).contains("allow it with GIT_ALLOWED_NETWORKS");
            });
  }
}
