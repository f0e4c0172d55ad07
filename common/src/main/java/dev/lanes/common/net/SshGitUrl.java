package dev.lanes.common.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A git repository reached over SSH, in either of the forms git accepts: {@code
 * ssh://user@host[:port]/path} or the scp-like {@code user@host:path}. Host and user are restricted
 * to characters that cannot be read as an option ({@code -oProxyCommand=...}) by the {@code ssh}
 * that clones in a build pod.
 *
 * @param user the SSH login, {@code git} on GitHub, GitLab and Gitea; never a password
 * @param host a name or a literal address, without brackets
 * @param port 22 unless the URL names one
 * @param path as written: relative to the login's home in the scp-like form
 * @param scpLike whether it was written {@code user@host:path}, which cannot name a port
 */
public record SshGitUrl(String user, String host, int port, String path, boolean scpLike) {

  public static final int DEFAULT_PORT = 22;

  private static final String USER = "[A-Za-z0-9_][A-Za-z0-9._-]{0,63}";
  private static final String NAME = "[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?";
  private static final String V6 = "\\[[0-9A-Fa-f:.]{2,45}\\]";
  private static final Pattern SCP_LIKE =
      Pattern.compile("(" + USER + ")@(" + NAME + "|" + V6 + "):(?!//|-)([^\\s]+)");
  private static final Pattern HOST = Pattern.compile(NAME + "|" + V6);
  private static final Pattern USER_ONLY = Pattern.compile(USER);

  /** Whether {@code value} is meant as an SSH repository: {@code ssh://} or {@code user@host:}. */
  public static boolean looksLikeSsh(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return lower.startsWith("ssh://")
        || (!value.contains("://") && value.matches("[^/:]+@[^/]+:.*"));
  }

  /**
   * @return the parts, or empty when {@code value} is not an SSH repository URL this accepts (no
   *     user, a password, a query, a fragment, no path, a host or user that is not plain)
   */
  public static Optional<SshGitUrl> parse(String value) {
    Matcher scp = SCP_LIKE.matcher(value);
    if (scp.matches()) {
      return Optional.of(
          new SshGitUrl(scp.group(1), bare(scp.group(2)), DEFAULT_PORT, scp.group(3), true));
    }
    if (!value.regionMatches(true, 0, "ssh://", 0, 6)) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
    String user = uri.getRawUserInfo();
    String host = uri.getHost();
    String path = uri.getRawPath();
    boolean plain =
        user != null
            && USER_ONLY.matcher(user).matches()
            && host != null
            && HOST.matcher(host).matches()
            && path != null
            && path.length() >= 2
            && uri.getRawQuery() == null
            && uri.getRawFragment() == null;
    if (!plain) {
      return Optional.empty();
    }
    int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
    return Optional.of(new SshGitUrl(user, bare(host), port, path, false));
  }

  /**
   * The name this host's keys are listed under in {@code known_hosts}: {@code host}, or {@code
   * [host]:port} on a port other than 22, as OpenSSH writes it.
   */
  public String knownHostsName() {
    return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
  }

  /** The URL in its own form, with {@code address} in place of the host (a checked address). */
  public String withHost(String address) {
    String h = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
    if (scpLike) {
      return user + "@" + h + ":" + path;
    }
    return "ssh://" + user + "@" + h + (port == DEFAULT_PORT ? "" : ":" + port) + path;
  }

  @Override
  public String toString() {
    return withHost(host);
  }

  private static String bare(String host) {
    return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
  }
}
