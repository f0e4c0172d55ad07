package dev.lanes.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rules, on addresses written or handed out by a resolver of the test's: no packet is sent. */
class GitNetworksTest {

  static final GitNetworks DEFAULT = GitNetworks.of(List.of(), false);

  static InetAddress ip(String literal) {
    return NetUtil.createInetAddressFromIpAddressString(literal);
  }

  /** A resolver that knows only the names it is given. */
  static GitNetworks.Resolver dns(Map<String, List<String>> names) {
    return host -> {
      List<String> addresses = names.get(host);
      if (addresses == null) {
        throw new UnknownHostException(host);
      }
      return addresses.stream().map(GitNetworksTest::ip).toArray(InetAddress[]::new);
    };
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "169.254.169.254",
        "fe80::1",
        "10.0.0.1",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "fc00::1",
        "fd12:3456::1",
        "0.0.0.0",
        "::",
        "::ffff:10.0.0.1",
        "::ffff:169.254.169.254"
      })
  void refusesWhatIsNotOnThePublicInternet(String address) {
    assertThat(DEFAULT.refusal(ip(address)))
        .isPresent()
        .get()
        .asString()
        .contains("allow it with GIT_ALLOWED_NETWORKS");
  }

  @ParameterizedTest
  @ValueSource(strings = {"140.82.121.3", "172.32.0.1", "172.15.255.255", "2606:50c0:8000::153"})
  void allowsPublicAddresses(String address) {
    assertThat(DEFAULT.refusal(ip(address))).isEmpty();
  }

  @Test
  void namesTheRuleThatRefuses() {
    assertThat(DEFAULT.refusal(ip("169.254.169.254")))
        .hasValue(
            "169.254.169.254 is in 169.254.0.0/16 (link-local, where cloud metadata endpoints are);"
                + " allow it with GIT_ALLOWED_NETWORKS");
  }

  @Test
  void allowedNetworksAreAllowedAndNothingElse() {
    GitNetworks networks = GitNetworks.of(List.of("10.1.0.0/16", "fd00::/8"), false);

    assertThat(networks.refusal(ip("10.1.2.3"))).isEmpty();
    assertThat(networks.refusal(ip("fd00::5"))).isEmpty();
    assertThat(networks.refusal(ip("10.2.0.1"))).isPresent();
    // a bare address is a network of one
    assertThat(GitNetworks.of(List.of("10.9.9.9"), false).refusal(ip("10.9.9.9"))).isEmpty();
  }

  @Test
  void allowingUniqueLocalAddressesDoesNotAllowLinkLocalOnes() {
    // fe80::/10 and fc00::/7 differ in their seventh bit; Netty's subnet rule said otherwise
    GitNetworks networks = GitNetworks.of(List.of("fc00::/7"), false);

    assertThat(networks.refusal(ip("fd12:3456::1"))).isEmpty();
    assertThat(networks.refusal(ip("fe80::1"))).get().asString().contains("link-local");
  }

  @Test
  void loopbackOnlyWithLocalGit() {
    GitNetworks local = GitNetworks.of(List.of(), true);

    assertThat(local.refusal(ip("127.0.0.1"))).isEmpty();
    assertThat(local.refusal(ip("::1"))).isEmpty();
    assertThat(local.refusal(ip("10.0.0.1"))).isPresent();
  }

  @Test
  void aLiteralIsCheckedWhereItIsWrittenANameIsNot() {
    assertThat(DEFAULT.refusalOfLiteral("169.254.169.254")).isPresent();
    assertThat(DEFAULT.refusalOfLiteral("[fe80::1]")).isPresent();
    assertThat(DEFAULT.refusalOfLiteral("github.com")).isEmpty();
    assertThat(DEFAULT.refusalOfLiteral("140.82.121.3")).isEmpty();
  }

  @Test
  void aNameIsRefusedWhenAnyOfItsAddressesIs() throws Exception {
    GitNetworks.Resolver resolver =
        dns(
            Map.of(
                "git.example.com", List.of("140.82.121.3"),
                "sneaky.example.com", List.of("140.82.121.3", "10.0.0.7"),
                "metadata.example.com", List.of("169.254.169.254")));

    assertThat(DEFAULT.check("git.example.com", resolver)).containsExactly(ip("140.82.121.3"));
    assertThatThrownBy(() -> DEFAULT.check("sneaky.example.com", resolver))
        .isInstanceOf(GitNetworks.RefusedAddress.class)
        .hasMessageStartingWith("sneaky.example.com resolves to 10.0.0.7 is in 10.0.0.0/8");
    assertThatThrownBy(() -> DEFAULT.check("metadata.example.com", resolver))
        .isInstanceOf(GitNetworks.RefusedAddress.class);
    assertThatThrownBy(() -> DEFAULT.check("10.0.0.1", resolver))
        .as("a literal is not looked up")
        .isInstanceOf(GitNetworks.RefusedAddress.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10.0.0.0/33", "10.0.0.0/x", "git.example.com/8", "/8"})
  void aBadAllowedNetworkIsAConfigurationError(String cidr) {
    assertThatThrownBy(() -> GitNetworks.of(List.of(cidr), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(cidr);
  }

  @Test
  void anAllowedNetworkTakesARefusedOneOutOfTheRefusedListOnlyWhenItCoversItWhole() {
    GitNetworks networks =
        GitNetworks.of(List.of("192.168.0.0/16", "10.1.0.0/16", "fc00::/7"), false);

    assertThat(networks.refusedNetworks(true))
        .contains("10.0.0.0/8", "172.16.0.0/12")
        .doesNotContain("192.168.0.0/16");
    assertThat(networks.refusedNetworks(false)).doesNotContain("fc00::/7").contains("fe80::/10");
    assertThat(networks.allowedNetworks())
        .containsExactly("192.168.0.0/16", "10.1.0.0/16", "fc00::/7");
  }
}
