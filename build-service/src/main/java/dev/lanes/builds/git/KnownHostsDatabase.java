package dev.lanes.builds.git;

import dev.lanes.common.crypto.SshKeys;
import dev.lanes.common.net.SshGitUrl;
import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;

/**
 * The host keys one ref listing trusts: the image repo's {@code known_hosts}, nothing else. Never
 * {@code ~/.ssh/known_hosts}, never a key learnt on first use, never a key added: a host key not
 * listed for the repository's host is refused, and why is kept for the build's message.
 *
 * <p>The key is checked against the host as {@code git_repo} names it, not the address connected
 * to: the connection goes to the address that was checked against GIT_ALLOWED_NETWORKS, which
 * {@code known_hosts} does not name (as OpenSSH's {@code HostKeyAlias}).
 */
final class KnownHostsDatabase implements ServerKeyDatabase {

  private final List<SshKeys.KnownHost> hosts;
  private final SshGitUrl url;
  private final AtomicReference<String> refusal = new AtomicReference<>();

  KnownHostsDatabase(List<SshKeys.KnownHost> hosts, SshGitUrl url) {
    this.hosts = hosts;
    this.url = url;
  }

  @Override
  public List<PublicKey> lookup(
      String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
    return SshKeys.keysOf(hosts, url.host(), url.port());
  }

  @Override
  public boolean accept(
      String connectAddress,
      InetSocketAddress remoteAddress,
      PublicKey serverKey,
      Configuration config,
      CredentialsProvider provider) {
    if (SshKeys.trusts(hosts, url.host(), url.port(), serverKey)) {
      return true;
    }
    refusal.set(
        SshKeys.names(hosts, url.host(), url.port())
            ? "the host key of "
                + url.knownHostsName()
                + " does not match its lines in the image repo's known_hosts (has the key changed,"
                + " or is something in between?)"
            : "the host key for "
                + url.knownHostsName()
                + " is not in the image repo's known_hosts");
    return false;
  }

  /** Why the server's host key was refused, or {@code null} when it was not. */
  String refusal() {
    return refusal.get();
  }
}
