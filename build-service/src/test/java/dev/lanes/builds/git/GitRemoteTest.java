package dev.lanes.builds.git;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GitRemoteTest {

  @Test
  void githubShorthandFetchesOverHttpsAndBuildsFromGitContext() {
    GitRemote r = GitRemote.of("team/web");
    assertThat(r.fetchUrl()).isEqualTo("https://github.com/team/web.git");
    assertThat(r.kanikoContext("refs/heads/main", "abc"))
        .isEqualTo("git://github.com/team/web.git#refs/heads/main#abc");
    assertThat(r.local()).isFalse();
  }

  @Test
  void urlsKeepTheirHostAndPath() {
    assertThat(
            GitRemote.of("https://git.example.com:8443/group/web.git")
                .kanikoContext("refs/tags/v1", "abc"))
        .isEqualTo("git://git.example.com:8443/group/web.git#refs/tags/v1#abc");
    // Kaniko clones a git:// context over HTTPS; its refs are listed the same way
    assertThat(GitRemote.of("git://git.example.com/web").fetchUrl())
        .isEqualTo("https://git.example.com/web");
    assertThat(GitRemote.of("file:///srv/git/web").local()).isTrue();
  }

  @Test
  void sshUrlsAreKeptAsWrittenAndKnownAsSsh() {
    GitRemote scp = GitRemote.of("git@github.com:team/web.git");
    GitRemote url = GitRemote.of("ssh://git@git.example.com:2222/team/web.git");

    assertThat(scp.fetchUrl()).isEqualTo("git@github.com:team/web.git");
    assertThat(scp.ssh()).hasValueSatisfying(s -> assertThat(s.host()).isEqualTo("github.com"));
    assertThat(url.ssh()).hasValueSatisfying(s -> assertThat(s.port()).isEqualTo(2222));
    assertThat(GitRemote.of("team/web").ssh()).isEmpty();
  }

  @Test
  void plainHttpStaysPlainForTheRefsAndTheClone() {
    GitRemote r = GitRemote.of("http://127.0.0.1:8418/team/web.git");
    assertThat(r.fetchUrl()).isEqualTo("http://127.0.0.1:8418/team/web.git");
    assertThat(r.kanikoContext("refs/heads/main", "abc"))
        .isEqualTo("git://127.0.0.1:8418/team/web.git#refs/heads/main#abc");
    assertThat(r.plainHttp()).isTrue();
    assertThat(GitRemote.of("https://git.example.com/web").plainHttp()).isFalse();
  }
}
