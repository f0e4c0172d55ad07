package dev.lanes.builds.git;

import dev.lanes.common.net.GitNetworks;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hosts one ref listing may connect to, each resolved once and checked against {@link
 * GitNetworks}: a connection goes to the addresses that were checked, never to a second answer of
 * the name server (DNS rebinding). A host reached later in the same listing (a redirect) is checked
 * the same way before anything is sent to it.
 */
final class CheckedHosts {

  private final GitNetworks networks;
  private final GitNetworks.Resolver dns;
  private final Map<String, List<InetAddress>> checked = new ConcurrentHashMap<>();

  CheckedHosts(GitNetworks networks, GitNetworks.Resolver dns) {
    this.networks = networks;
    this.dns = dns;
  }

  /**
   * The checked addresses of {@code host}, resolving and checking it the first time.
   *
   * @throws RefusedHostException naming the refused address and its rule
   */
  List<InetAddress> addresses(String host) throws UnknownHostException, RefusedHostException {
    String key = key(host);
    List<InetAddress> known = checked.get(key);
    if (known != null) {
      return known;
    }
    try {
      List<InetAddress> addresses = networks.check(host, dns);
      checked.put(key, addresses);
      return addresses;
    } catch (GitNetworks.RefusedAddress e) {
      throw new RefusedHostException(e.getMessage());
    }
  }

  /** The addresses checked for {@code host}; a host never checked has none. */
  InetAddress[] pinned(String host) throws UnknownHostException {
    List<InetAddress> known = checked.get(key(host));
    if (known == null) {
      // only hosts checked by addresses() are connected to; anything else is a bug, not a name
      throw new UnknownHostException(host + " was not checked against GIT_ALLOWED_NETWORKS");
    }
    return known.toArray(InetAddress[]::new);
  }

  /** {@code [::1]} as a URL writes it and {@code ::1} as a lookup asks for it are one host. */
  private static String key(String host) {
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return bare.toLowerCase(Locale.ROOT);
  }

  /** A git host refused by the rules; an IOException so that it passes through JGit's HTTP. */
  static final class RefusedHostException extends java.io.IOException {
    RefusedHostException(String message) {
      super(message);
    }
  }
}
