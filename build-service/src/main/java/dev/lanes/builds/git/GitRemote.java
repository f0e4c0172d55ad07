package dev.lanes.builds.git;

import dev.lanes.common.net.SshGitUrl;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * A repository as the image repo names it, with the two addresses a build needs: where JGit lists
 * its refs, and the context Kaniko fetches ({@code git://host/path}, which Kaniko clones over HTTPS
 * by default).
 *
 * @param fetchUrl what {@code git ls-remote} uses
 * @param kanikoBase the context without {@code #ref#commit}
 */
public record GitRemote(String fetchUrl, String kanikoBase, boolean local) {

  /**
   * @param gitRepo {@code owner/repo}, an {@code https://}, {@code git://} or SSH URL ({@link
   *     SshGitUrl}), or a {@code file://} URL (local repositories: development and the sandbox
   *     cluster only)
   */
  public static GitRemote of(String gitRepo) {
    if (SshGitUrl.parse(gitRepo).isPresent()) {
      // cloned by the build pod's init container, not by Kaniko: no Kaniko context of its own
      return new GitRemote(gitRepo, gitRepo, false);
    }
    if (!gitRepo.contains("://")) {
      String path = gitRepo.endsWith(".git") ? gitRepo : gitRepo + ".git";
      return new GitRemote("https://github.com/" + path, "git://github.com/" + path, false);
    }
    URI uri = URI.create(gitRepo);
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      return new GitRemote(gitRepo, gitRepo, true);
    }
    String hostAndPath = gitRepo.substring(gitRepo.indexOf("://") + 3);
    // http:// (development only) stays http: listing its refs and Kaniko's clone
    // (GIT_PULL_METHOD=http) both go to the server as named
    String fetchScheme = scheme.equals("http") ? "http://" : "https://";
    return new GitRemote(fetchScheme + hostAndPath, "git://" + hostAndPath, false);
  }

  /**
   * Plain HTTP: credentials would cross the network in clear, so only development allows it
   * (LANES_ALLOW_LOCAL_GIT), and Kaniko must be told ({@code GIT_PULL_METHOD=http}): it clones a
   * {@code git://} context over HTTPS otherwise.
   */
  public boolean plainHttp() {
    return fetchUrl.startsWith("http://");
  }

  /** The SSH form of the repository, when it is reached over SSH. */
  public Optional<SshGitUrl> ssh() {
    return local ? Optional.empty() : SshGitUrl.parse(fetchUrl);
  }

  /** The Kaniko context pinned to {@code commit}: {@code git://host/path#ref#commit}. */
  public String kanikoContext(String ref, String commit) {
    return kanikoBase + "#" + ref + "#" + commit;
  }

  /**
   * BuildKit's git context pinned to {@code commit}: {@code https://host/path.git#commit} or, for a
   * context directory, {@code ...#commit:dir}. BuildKit fetches the commit itself, so no ref is
   * needed; a local repository keeps its {@code file://} URL (the sandbox reads it).
   */
  public String buildkitContext(String commit, String contextDir) {
    String dir = contextDir.replaceAll("^\\.(/|$)", "").replaceAll("/$", "");
    return fetchUrl + "#" + commit + (dir.isEmpty() ? "" : ":" + dir);
  }
}
