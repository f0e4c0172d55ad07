package dev.lanes.builds.git;

import dev.lanes.common.crypto.SshKeys;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.net.GitNetworks;
import dev.lanes.common.net.SshGitUrl;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;

/**
 * Resolves a build's git ref with {@code git ls-remote}: a branch, a tag (annotated tags peeled to
 * their commit), a full ref name, a full 40-hex commit, or a hex prefix of a branch or tag tip.
 * Blocking: call it from a worker thread.
 */
public final class RefResolver {

  private static final Pattern FULL_SHA = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern SHORT_SHA = Pattern.compile("[0-9a-f]{4,39}");
  private static final String DEFAULT_BRANCH = "refs/heads/main";

  private final Duration timeout;
  private final GitNetworks networks;
  private final GitNetworks.Resolver dns;

  /** A resolver that allows loopback only (tests of local repositories). */
  public RefResolver(Duration timeout) {
    this(timeout, GitNetworks.of(java.util.List.of(), true), GitNetworks.Resolver.SYSTEM);
  }

  /**
   * @param networks where repositories may be; checked before any connection
   * @param dns how host names are resolved for that check
   */
  public RefResolver(Duration timeout, GitNetworks networks, GitNetworks.Resolver dns) {
    this.timeout = timeout;
    this.networks = networks;
    this.dns = dns;
  }

  /**
   * @throws RefResolutionException when the ref does not exist, is ambiguous, or the repository
   *     cannot be reached
   */
  public ResolvedRef resolve(GitRemote remote, String ref) throws RefResolutionException {
    return resolve(remote, ref, null);
  }

  /**
   * @param credentials what the repository is read with, or {@code null}: sent over HTTP Basic only
   *     when the server asks for them, and never part of any message
   * @throws RefResolutionException also {@code auth_failed} when the server refuses them
   */
  public ResolvedRef resolve(GitRemote remote, String ref, GitCredentials credentials)
      throws RefResolutionException {
    Map<String, Ref> refs = listRefs(remote, credentials);
    String wanted = ref.trim();
    for (String name : List.of(wanted, "refs/heads/" + wanted, "refs/tags/" + wanted)) {
      Ref found = refs.get(name);
      if (found != null && name.startsWith("refs/")) {
        return new ResolvedRef(commitOf(found).name(), name);
      }
    }
    String lower = wanted.toLowerCase(java.util.Locale.ROOT);
    if (FULL_SHA.matcher(lower).matches()) {
      return new ResolvedRef(lower, tipRef(refs, lower).orElse(defaultBranch(refs)));
    }
    if (SHORT_SHA.matcher(lower).matches()) {
      return byPrefix(remote, refs, wanted, lower);
    }
    throw notFound(remote, wanted);
  }

  private Map<String, Ref> listRefs(GitRemote remote, GitCredentials credentials)
      throws RefResolutionException {
    Optional<SshGitUrl> ssh = remote.ssh();
    if (ssh.isPresent()) {
      return listRefsOverSsh(remote, ssh.get(), credentials);
    }
    CheckedHosts hosts = new CheckedHosts(networks, dns);
    checkHost(remote, hosts);
    try (PinnedHttpConnectionFactory http = new PinnedHttpConnectionFactory(hosts, timeout)) {
      return Git.lsRemoteRepository()
          .setRemote(remote.fetchUrl())
          .setHeads(false)
          .setTags(false)
          .setTimeout((int) Math.max(1, timeout.toSeconds()))
          .setCredentialsProvider(provider(credentials))
          .setTransportConfigCallback(transport -> pin(transport, http, remote.local()))
          .callAsMap();
    } catch (GitAPIException | RuntimeException e) {
      throw failure(remote, e, credentials != null);
    }
  }

  /**
   * Lists the refs with the image repo's key, connecting to the address checked against the rules
   * and trusting only the host keys its known_hosts lists for the host {@code git_repo} names.
   */
  private Map<String, Ref> listRefsOverSsh(
      GitRemote remote, SshGitUrl url, GitCredentials credentials) throws RefResolutionException {
    SshSessions.Material material = sshMaterial(remote, credentials, url);
    InetAddress address = checkHost(remote, url.host(), new CheckedHosts(networks, dns));
    try (SshdSessionFactory sessions =
        SshSessions.forListing(material.key(), material.hostKeys())) {
      return Git.lsRemoteRepository()
          .setRemote(url.withHost(address.getHostAddress()))
          .setHeads(false)
          .setTags(false)
          .setTimeout((int) Math.max(1, timeout.toSeconds()))
          .setTransportConfigCallback(transport -> useSessions(transport, sessions))
          .callAsMap();
    } catch (GitAPIException | RuntimeException e) {
      throw sshFailure(remote, e, material.hostKeys().refusal());
    }
  }

  private static SshSessions.Material sshMaterial(
      GitRemote remote, GitCredentials credentials, SshGitUrl url) throws RefResolutionException {
    if (credentials == null || !credentials.isSsh()) {
      throw new RefResolutionException(
          BuildReason.AUTH_FAILED,
          "git repository "
              + remote.fetchUrl()
              + " is reached over SSH: authentication failed, the image repo needs git_credentials"
              + " of type ssh");
    }
    try {
      return SshSessions.Material.of(credentials.privateKey(), credentials.knownHosts(), url);
    } catch (SshKeys.InvalidSshKey e) {
      // the gateway checked them: a stored key that no longer reads is said without quoting it
      throw new RefResolutionException(
          BuildReason.AUTH_FAILED,
          "the image repo's git_credentials cannot be used: authentication failed, its ssh key or"
              + " known_hosts "
              + e.getMessage());
    }
  }

  /** Any transport but SSH here would connect by itself, unchecked: a bug, refused. */
  private static void useSessions(Transport transport, SshdSessionFactory sessions) {
    if (!(transport instanceof SshTransport t)) {
      throw new IllegalStateException(
          transport.getClass().getSimpleName() + " cannot connect to a checked address");
    }
    t.setSshSessionFactory(sessions);
  }

  private static RefResolutionException sshFailure(
      GitRemote remote, Exception e, String hostKeyRefusal) {
    if (hostKeyRefusal != null) {
      return new RefResolutionException(
          BuildReason.AUTH_FAILED,
          "git repository " + remote.fetchUrl() + " was not trusted: " + hostKeyRefusal);
    }
    if (refusedKey(e)) {
      // JGit's and sshd's words are left out: nothing that handled the key goes into the message
      return new RefResolutionException(
          BuildReason.AUTH_FAILED,
          "git repository "
              + remote.fetchUrl()
              + " refused the image repo's ssh key: authentication failed (is the public key added"
              + " as a deploy key of this repository, or for the user in git_repo?)");
    }
    return new RefResolutionException(
        BuildReason.REPO_UNREACHABLE,
        "cannot reach git repository " + remote.fetchUrl() + ": " + rootMessage(e));
  }

  /** Whether the server let no key in, as JGit's sshd transport words it. */
  private static boolean refusedKey(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("no more authentication methods")
          || m.contains("cannot log in")
          || m.contains("authentication failed")
          || m.contains("auth fail")) {
        return true;
      }
    }
    return false;
  }

  private static CredentialsProvider provider(GitCredentials credentials) {
    return credentials == null
        ? null
        : new UsernamePasswordCredentialsProvider(credentials.username(), credentials.password());
  }

  /**
   * Makes the transport connect through {@code http}, to the checked addresses. checkHost lets
   * through http(s) and local ({@code file://}) repositories only, so any other transport is a bug:
   * refused.
   */
  private static void pin(Transport transport, PinnedHttpConnectionFactory http, boolean local) {
    if (transport instanceof TransportHttp t) {
      t.setHttpConnectionFactory(http);
    } else if (!local) {
      throw new IllegalStateException(
          transport.getClass().getSimpleName() + " cannot connect to a checked address");
    }
  }

  private static RefResolutionException failure(
      GitRemote remote, Exception e, boolean withCredentials) {
    Throwable refused = cause(e, CheckedHosts.RefusedHostException.class);
    if (refused != null) {
      return new RefResolutionException(
          BuildReason.GIT_REPO_NOT_ALLOWED,
          "git repository " + remote.fetchUrl() + " is not allowed: " + refused.getMessage());
    }
    if (refusedCredentials(e) && withCredentials) {
      // JGit's own words are left out: nothing that handled the password goes into the message
      return new RefResolutionException(
          BuildReason.AUTH_FAILED,
          "git repository "
              + remote.fetchUrl()
              + " refused the image repo's git_credentials: authentication failed (is the token"
              + " expired or revoked, or not allowed to read this repository?)");
    }
    if (refusedCredentials(e)) {
      return new RefResolutionException(
          BuildReason.AUTH_FAILED,
          "git repository "
              + remote.fetchUrl()
              + " refused to list its refs without credentials: authentication failed (is it"
              + " private, or misspelt? a private one needs the image repo's git_credentials): "
              + rootMessage(e));
    }
    return new RefResolutionException(
        BuildReason.REPO_UNREACHABLE,
        "cannot reach git repository " + remote.fetchUrl() + ": " + rootMessage(e));
  }

  private static Throwable cause(Throwable e, Class<? extends Throwable> kind) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return t;
      }
    }
    return null;
  }

  /**
   * Refuses a repository whose host is, or resolves to, an address the rules refuse, before
   * anything is sent to it, and keeps the addresses checked for the connection: the name is not
   * looked up again (DNS rebinding). Only http(s) is listed over the network: the transport that
   * can be made to connect to a checked address.
   */
  private void checkHost(GitRemote remote, CheckedHosts hosts) throws RefResolutionException {
    if (remote.local()) {
      return;
    }
    java.net.URI uri = java.net.URI.create(remote.fetchUrl());
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      throw new RefResolutionException(
          BuildReason.GIT_REPO_NOT_ALLOWED,
          "git repository " + remote.fetchUrl() + " is not allowed: refs are listed over https");
    }
    String host = uri.getHost();
    if (host == null) {
      throw new RefResolutionException(
          BuildReason.REPO_UNREACHABLE, "git repository " + remote.fetchUrl() + " names no host");
    }
    checkHost(remote, host, hosts);
  }

  /** Resolves and checks {@code host} once; the first checked address is the one to connect to. */
  private static InetAddress checkHost(GitRemote remote, String host, CheckedHosts hosts)
      throws RefResolutionException {
    try {
      return hosts.addresses(host).get(0);
    } catch (CheckedHosts.RefusedHostException e) {
      throw new RefResolutionException(
          BuildReason.GIT_REPO_NOT_ALLOWED,
          "git repository " + remote.fetchUrl() + " is not allowed: " + e.getMessage());
    } catch (java.net.UnknownHostException e) {
      throw new RefResolutionException(
          BuildReason.REPO_UNREACHABLE,
          "cannot reach git repository " + remote.fetchUrl() + ": unknown host " + host);
    }
  }

  /**
   * Whether the server answered but wanted credentials (HTTP 401/403), as JGit words it. GitHub
   * answers so for a repository that does not exist, too, so as not to reveal private ones.
   */
  private static boolean refusedCredentials(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
      if (m.contains("authentication is required")
          || m.contains("not authorized")
          || m.contains("not permitted")) {
        return true;
      }
    }
    return false;
  }

  private ResolvedRef byPrefix(
      GitRemote remote, Map<String, Ref> refs, String wanted, String prefix)
      throws RefResolutionException {
    Set<String> commits = new LinkedHashSet<>();
    List<String> names = new ArrayList<>();
    for (Ref r : refs.values()) {
      String commit = commitOf(r).name();
      if (commit.startsWith(prefix)
          && (r.getName().startsWith("refs/heads/") || r.getName().startsWith("refs/tags/"))) {
        commits.add(commit);
        names.add(r.getName());
      }
    }
    if (commits.size() > 1) {
      throw new RefResolutionException(
          BuildReason.REF_AMBIGUOUS,
          "ref '"
              + wanted
              + "' is ambiguous in "
              + remote.fetchUrl()
              + ": it starts the tips of "
              + String.join(", ", names)
              + "; give more characters");
    }
    if (commits.isEmpty()) {
      throw notFound(remote, wanted);
    }
    String commit = commits.iterator().next();
    return new ResolvedRef(commit, tipRef(refs, commit).orElse(defaultBranch(refs)));
  }

  /** A branch (preferred) or tag whose tip is {@code commit}. */
  private static java.util.Optional<String> tipRef(Map<String, Ref> refs, String commit) {
    String tag = null;
    for (Ref r : refs.values()) {
      if (commitOf(r).name().equals(commit)) {
        if (r.getName().startsWith("refs/heads/")) {
          return java.util.Optional.of(r.getName());
        }
        if (r.getName().startsWith("refs/tags/") && tag == null) {
          tag = r.getName();
        }
      }
    }
    return java.util.Optional.ofNullable(tag);
  }

  /** The branch HEAD points at, for a commit no ref names: Kaniko fetches it to find the commit. */
  private static String defaultBranch(Map<String, Ref> refs) {
    Ref head = refs.get("HEAD");
    if (head != null && head.isSymbolic()) {
      return head.getTarget().getName();
    }
    return DEFAULT_BRANCH;
  }

  private static ObjectId commitOf(Ref ref) {
    return ref.getPeeledObjectId() != null ? ref.getPeeledObjectId() : ref.getObjectId();
  }

  private static RefResolutionException notFound(GitRemote remote, String ref) {
    return new RefResolutionException(
        BuildReason.REF_NOT_FOUND,
        "ref '"
            + ref
            + "' not found in "
            + remote.fetchUrl()
            + ": no branch, tag or commit by that"
            + " name");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return e.getMessage() != null && !e.getMessage().equals(m) ? e.getMessage() : m;
  }
}
