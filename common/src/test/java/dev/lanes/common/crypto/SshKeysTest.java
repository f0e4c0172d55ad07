package dev.lanes.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.testkit.TestSshKeys;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshKeysTest {

  private static final KeyPair KEY = TestSshKeys.generate();
  private static final KeyPair HOST = TestSshKeys.generate();

  @Test
  void readsAnOpenSshKey() throws Exception {
    assertThat(SshKeys.privateKey(TestSshKeys.openSsh(KEY)).getPublic()).isEqualTo(KEY.getPublic());
  }

  @Test
  void readsAPemKey() throws Exception {
    KeyPair rsa = TestSshKeys.generateRsa();

    assertThat(SshKeys.privateKey(TestSshKeys.pem(rsa)).getPublic()).isEqualTo(rsa.getPublic());
  }

  @Test
  void refusesAnEncryptedKeySayingSoWithoutQuotingIt() {
    String encrypted = TestSshKeys.encryptedOpenSsh(KEY, "passphrase");

    assertThatThrownBy(() -> SshKeys.privateKey(encrypted))
        .isInstanceOf(SshKeys.InvalidSshKey.class)
        .hasMessageContaining("encrypted with a passphrase")
        .hasMessageNotContaining("OPENSSH");
  }

  @Test
  void refusesWhatIsNoKeyWithoutQuotingIt() {
    String text = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWNhbmFyeQ==\n";

    assertThatThrownBy(() -> SshKeys.privateKey(text))
        .isInstanceOf(SshKeys.InvalidSshKey.class)
        .hasMessageContaining("is not a private key")
        .hasMessageNotContaining("c2VjcmV0");
  }

  @Test
  void knowsAHostOnPort22ByItsNameAndOnAnotherPortInBrackets() throws Exception {
    List<SshKeys.KnownHost> hosts =
        SshKeys.knownHosts(
            "# keyscan\n"
                + TestSshKeys.knownHostsLine("github.com", HOST)
                + "\n"
                + TestSshKeys.knownHostsLine("[git.example.com]:2222", HOST)
                + "\n");

    assertThat(SshKeys.names(hosts, "github.com", 22)).isTrue();
    assertThat(SshKeys.names(hosts, "github.com", 2222)).isFalse();
    assertThat(SshKeys.names(hosts, "git.example.com", 2222)).isTrue();
    assertThat(SshKeys.names(hosts, "git.example.com", 22)).isFalse();
  }

  @Test
  void trustsOnlyTheListedKeyOfTheListedHost() throws Exception {
    List<SshKeys.KnownHost> hosts =
        SshKeys.knownHosts(TestSshKeys.knownHostsLine("github.com", HOST));

    assertThat(SshKeys.trusts(hosts, "github.com", 22, HOST.getPublic())).isTrue();
    assertThat(SshKeys.trusts(hosts, "github.com", 22, KEY.getPublic())).isFalse();
    assertThat(SshKeys.trusts(hosts, "gitlab.com", 22, HOST.getPublic())).isFalse();
  }

  @Test
  void aRevokedKeyIsNotTrusted() throws Exception {
    List<SshKeys.KnownHost> hosts =
        SshKeys.knownHosts(
            TestSshKeys.knownHostsLine("github.com", HOST)
                + "\n@revoked "
                + TestSshKeys.knownHostsLine("*", HOST));

    assertThat(SshKeys.trusts(hosts, "github.com", 22, HOST.getPublic())).isFalse();
  }

  @Test
  void refusesALineThatIsNoHostKeyNamingItsNumber() {
    assertThatThrownBy(() -> SshKeys.knownHosts("# ok\ngithub.com ssh-rsa not-base64!\n"))
        .isInstanceOf(SshKeys.InvalidSshKey.class)
        .hasMessageContaining("line 2");
  }

  @Test
  void refusesCommentsOnly() {
    assertThatThrownBy(() -> SshKeys.knownHosts("# nothing\n\n"))
        .hasMessageContaining("no host key line");
  }

  @Test
  void readsAnEd25519KeyAndHostKeyTheDefaultsOfSshKeygenAndGithub() throws Exception {
    KeyPair ed = TestSshKeys.generateEd25519();

    assertThat(SshKeys.privateKey(TestSshKeys.openSsh(ed)).getPublic()).isNotNull();
    List<SshKeys.KnownHost> hosts =
        SshKeys.knownHosts(TestSshKeys.knownHostsLine("github.com", ed));
    assertThat(TestSshKeys.publicLine(ed)).startsWith("ssh-ed25519 ");
    assertThat(SshKeys.names(hosts, "github.com", 22)).isTrue();
  }
}
