package dev.lanes.builds.git;

/**
 * What a git ref resolved to.
 *
 * @param commit the full 40-hex commit
 * @param ref the ref Kaniko fetches to find it, e.g. {@code refs/heads/main}
 */
public record ResolvedRef(String commit, String ref) {

  /** The image tag: the commit's first 7 hex characters. */
  public String tag() {
    return commit.substring(0, 7);
  }
}
