package dev.lanes.builds.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.testkit.GitHttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refs of a private repository, served by git's own smart HTTP backend behind Basic authentication
 * on loopback: listed with the image repo's credentials, refused without them or with wrong ones,
 * and the password never in what the build would say.
 */
class PrivateRepositoryTest {

  private static final String USER = "x-access-token";
  private static final String CANARY = "canary-9f3e1c-do-not-print";

  @TempDir static Path dir;
  private static GitHttpServer server;
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
    server = GitHttpServer.start(dir.resolve("root"), USER, CANARY);
    remote = new GitRemote(server.url("team/private.git"), "git://unused", false);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void theRightCredentialsListTheRefs() throws Exception {
    ResolvedRef ref = resolver.resolve(remote, "main", GitCredentials.basic(USER, CANARY));

    assertThat(ref.commit()).isEqualTo(commit);
    assertThat(ref.ref()).isEqualTo("refs/heads/main");
  }

  @Test
  void aWrongPasswordFailsSayingAuthenticationFailedWithoutSayingThePassword() {
    String wrong = "wrong-" + CANARY;

    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class,
            () -> resolver.resolve(remote, "main", GitCredentials.basic(USER, wrong)));

    assertThat(e.reason()).isEqualTo(BuildReason.AUTH_FAILED);
    assertThat(e.getMessage())
        .contains("authentication failed")
        .contains("git_credentials")
        .doesNotContain(CANARY)
        .doesNotContain(USER + ":");
  }

  @Test
  void noCredentialsFailSayingAuthenticationFailed() {
    RefResolutionException e =
        catchThrowableOfType(RefResolutionException.class, () -> resolver.resolve(remote, "main"));

    assertThat(e.reason()).isEqualTo(BuildReason.AUTH_FAILED);
    assertThat(e.getMessage()).contains("authentication failed").contains("git_credentials");
  }
}
