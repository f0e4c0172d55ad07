package dev.lanes.common.net;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a git repository may be at. Lanes connects to what an image repo's {@code
 * git_repo} names from inside the cluster, so without a rule anybody who may create an image repo
 * could make it reach the cluster's own network or the cloud's metadata endpoint. Refused unless
 * {@code GIT_ALLOWED_NETWORKS} allows them: loopback, link-local ({@code 169.254.0.0/16}, which
 * holds metadata endpoints, and {@code fe80::/10}), private ranges ({@code 10/8}, {@code
 * 172.16/12}, {@code 192.168/16}, {@code fc00::/7}), {@code 0.0.0.0/8} and the unspecified address;
 * loopback also with local git allowed (the sandbox cluster, development).
 *
 * <p>A literal address is checked where it is written ({@link #refusalOfLiteral}); a name where it
 * is resolved ({@link #check}), every address it resolves to. No address is ever contacted here.
 */
public final class GitNetworks {

  /** Resolves a host name to its addresses: the system's, or a test's. */
  @FunctionalInterface
  public interface Resolver {
    InetAddress[] resolve(String host) throws UnknownHostException;

    Resolver SYSTEM = InetAddress::getAllByName;
  }

  /**
   * A network. Membership compares prefix bits itself: Netty's {@code IpSubnetFilterRule} (4.2.9)
   * answers that {@code fe80::1} is inside {@code fc00::/7}, which would let link-local addresses
   * through wherever unique-local ones are allowed.
   */
  private record Range(String cidr, String what, InetAddress network, int prefix) {
    boolean contains(InetAddress address) {
      return samePrefix(network.getAddress(), address.getAddress(), prefix);
    }

    /** Whether {@code other} lies wholly inside this network: their first prefix bits agree. */
    boolean covers(Range other) {
      return prefix <= other.prefix
          && samePrefix(network.getAddress(), other.network.getAddress(), prefix);
    }

    private static boolean samePrefix(byte[] a, byte[] b, int prefix) {
      if (a.length != b.length) {
        return false;
      }
      for (int bit = 0; bit < prefix; bit++) {
        int mask = 0x80 >>> (bit % 8);
        if ((a[bit / 8] & mask) != (b[bit / 8] & mask)) {
          return false;
        }
      }
      return true;
    }

    boolean isV4() {
      return network instanceof Inet4Address;
    }
  }

  private static final List<Range> REFUSED =
      List.of(
          range("0.0.0.0/8", "\"this\" network"),
          range("127.0.0.0/8", "loopback"),
          range("::1/128", "loopback"),
          range("::/128", "the unspecified address"),
          range("169.254.0.0/16", "link-local, where cloud metadata endpoints are"),
          range("fe80::/10", "link-local"),
          range("10.0.0.0/8", "private"),
          range("172.16.0.0/12", "private"),
          range("192.168.0.0/16", "private"),
          range("fc00::/7", "unique local (private)"));

  private final List<Range> allowed;
  private final boolean allowLoopback;

  private GitNetworks(List<Range> allowed, boolean allowLoopback) {
    this.allowed = allowed;
    this.allowLoopback = allowLoopback;
  }

  /**
   * @param allowedCidrs networks allowed although refused by default, e.g. {@code 10.1.0.0/16} for
   *     an in-house git server
   * @param allowLoopback loopback allowed (local git: the sandbox cluster, development)
   * @throws IllegalArgumentException naming a CIDR that is not one
   */
  public static GitNetworks of(List<String> allowedCidrs, boolean allowLoopback) {
    List<Range> allowed = new ArrayList<>();
    for (String cidr : allowedCidrs) {
      allowed.add(range(cidr.trim(), "allowed by GIT_ALLOWED_NETWORKS"));
    }
    return new GitNetworks(List.copyOf(allowed), allowLoopback);
  }

  /** Whether local git is allowed: {@code file://} repositories and loopback addresses. */
  public boolean localGit() {
    return allowLoopback;
  }

  /**
   * The refused networks of one address family that no allowed network covers whole, as CIDRs: what
   * build pods' egress policy leaves out of the internet. A refused network an allowed one covers
   * only in part stays here; {@link #allowedNetworks} then lets that part through.
   */
  public List<String> refusedNetworks(boolean ipv4) {
    return REFUSED.stream()
        .filter(r -> r.isV4() == ipv4)
        .filter(r -> allowed.stream().noneMatch(a -> a.covers(r)))
        .map(Range::cidr)
        .toList();
  }

  /** {@code GIT_ALLOWED_NETWORKS}, as CIDRs. */
  public List<String> allowedNetworks() {
    return allowed.stream().map(Range::cidr).toList();
  }

  /** Checks {@code GIT_ALLOWED_NETWORKS}' entries, for the configuration reader. */
  public static List<String> parseAllowed(List<String> cidrs) {
    of(cidrs, false);
    return cidrs;
  }

  /** Why {@code address} is refused, naming the rule, or empty when it is allowed. */
  public Optional<String> refusal(InetAddress address) {
    InetAddress a = unmapped(address);
    if (allowed.stream().anyMatch(r -> r.contains(a))) {
      return Optional.empty();
    }
    if (allowLoopback && a.isLoopbackAddress()) {
      return Optional.empty();
    }
    return REFUSED.stream()
        .filter(r -> r.contains(a))
        .findFirst()
        .map(
            r ->
                a.getHostAddress()
                    + " is in "
                    + r.cidr()
                    + " ("
                    + r.what()
                    + "); allow it with GIT_ALLOWED_NETWORKS");
  }

  /**
   * For a host as a URL writes it: the refusal of a literal address ({@code [::1]} too), or empty
   * for an allowed address or a name (names are checked when they are resolved).
   */
  public Optional<String> refusalOfLiteral(String host) {
    InetAddress literal = literal(host);
    return literal == null ? Optional.empty() : refusal(literal);
  }

  /**
   * Resolves {@code host} once and checks every address it has: one refused address refuses the
   * name (it may be served any of them).
   *
   * @return the checked addresses, to connect to rather than looking the name up again
   * @throws RefusedAddress naming the first refused address and its rule
   */
  public List<InetAddress> check(String host, Resolver resolver)
      throws UnknownHostException, RefusedAddress {
    InetAddress literal = literal(host);
    List<InetAddress> addresses =
        literal != null ? List.of(literal) : Arrays.asList(resolver.resolve(host));
    for (InetAddress address : addresses) {
      Optional<String> refused = refusal(address);
      if (refused.isPresent()) {
        throw new RefusedAddress(
            literal != null ? refused.get() : host + " resolves to " + refused.get());
      }
    }
    return List.copyOf(addresses);
  }

  /** A git host refused by the rules. */
  public static final class RefusedAddress extends Exception {
    public RefusedAddress(String message) {
      super(message);
    }
  }

  /** The address {@code host} writes literally ({@code [::1]} as URLs bracket it), or null. */
  private static InetAddress literal(String host) {
    String bare =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return NetUtil.createInetAddressFromIpAddressString(bare);
  }

  private static Range range(String cidr, String what) {
    int slash = cidr.indexOf('/');
    InetAddress network =
        NetUtil.createInetAddressFromIpAddressString(slash < 0 ? cidr : cidr.substring(0, slash));
    if (network == null) {
      throw new IllegalArgumentException("'" + cidr + "' is not a network, e.g. 10.1.0.0/16");
    }
    int max = network instanceof Inet4Address ? 32 : 128;
    int prefix;
    try {
      prefix = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + cidr + "' has no prefix length, e.g. 10.1.0.0/16");
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("'" + cidr + "': the prefix length is 0 to " + max);
    }
    return new Range(cidr, what, network, prefix);
  }

  /** {@code ::ffff:10.0.0.1} is {@code 10.0.0.1}: checked as the IPv4 address it reaches. */
  private static InetAddress unmapped(InetAddress address) {
    if (address instanceof Inet6Address v6) {
      byte[] b = v6.getAddress();
      boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
      for (int i = 0; i < 10 && mapped; i++) {
        mapped = b[i] == 0;
      }
      if (mapped) {
        try {
          return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException e) {
          throw new IllegalStateException(e); // four bytes are always an address
        }
      }
    }
    return address;
  }
}
