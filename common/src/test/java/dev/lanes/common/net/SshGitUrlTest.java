package dev.lanes.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SshGitUrlTest {

  @Test
  void readsTheScpLikeForm() {
    assertThat(SshGitUrl.parse("git@github.com:team/web.git"))
        .contains(new SshGitUrl("git", "github.com", 22, "team/web.git", true));
  }

  @Test
  void readsAnSshUrlWithAPort() {
    assertThat(SshGitUrl.parse("ssh://git@git.example.com:2222/team/web.git"))
        .contains(new SshGitUrl("git", "git.example.com", 2222, "/team/web.git", false));
  }

  @Test
  void readsAnSshUrlWithoutAPortAsPort22() {
    assertThat(SshGitUrl.parse("ssh://git@git.example.com/team/web.git").orElseThrow().port())
        .isEqualTo(22);
  }

  @Test
  void readsALiteralV6AddressWithoutItsBrackets() {
    SshGitUrl url = SshGitUrl.parse("ssh://git@[2001:db8::1]:2222/web.git").orElseThrow();

    assertThat(url.host()).isEqualTo("2001:db8::1");
    assertThat(url.knownHostsName()).isEqualTo("[2001:db8::1]:2222");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "ssh://git:secret@example.com/web.git",
        "ssh://example.com/web.git",
        "ssh://git@example.com/",
        "ssh://git@example.com/web.git?x=1",
        "ssh://git@example.com/web.git#main",
        "ssh://git@-oProxyCommand=x/web.git",
        "-oProxyCommand=x@example.com:web.git",
        "git@example.com:-upload-pack=x",
        "git@example.com://web.git",
        "https://example.com/web.git",
        "team/web"
      })
  void refusesWhatIsNotAPlainSshRepository(String value) {
    assertThat(SshGitUrl.parse(value)).isEmpty();
  }

  @Test
  void namesThePortInKnownHostsOnlyWhenItIsNot22() {
    assertThat(SshGitUrl.parse("git@github.com:team/web.git").orElseThrow().knownHostsName())
        .isEqualTo("github.com");
    assertThat(SshGitUrl.parse("ssh://git@h.example:2222/w.git").orElseThrow().knownHostsName())
        .isEqualTo("[h.example]:2222");
  }

  @Test
  void putsACheckedAddressInPlaceOfTheHostKeepingTheForm() {
    assertThat(SshGitUrl.parse("git@github.com:team/web.git").orElseThrow().withHost("140.82.1.4"))
        .isEqualTo("git@140.82.1.4:team/web.git");
    assertThat(SshGitUrl.parse("ssh://git@h.example:2222/w.git").orElseThrow().withHost("::1"))
        .isEqualTo("ssh://git@[::1]:2222/w.git");
  }

  @Test
  void tellsSshFromOtherForms() {
    assertThat(SshGitUrl.looksLikeSsh("git@github.com:team/web.git")).isTrue();
    assertThat(SshGitUrl.looksLikeSsh("SSH://git@github.com/team/web.git")).isTrue();
    assertThat(SshGitUrl.looksLikeSsh("https://github.com/team/web.git")).isFalse();
    assertThat(SshGitUrl.looksLikeSsh("team/web")).isFalse();
  }
}
