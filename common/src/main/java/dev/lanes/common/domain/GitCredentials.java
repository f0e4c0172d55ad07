package dev.lanes.common.domain;

/**
 * How an image repo's git repository is read when it is private: for now HTTP Basic credentials (a
 * GitHub or GitLab token as the password, or a Gitea password). The password is write-only: answers
 * carry {@link #masked()}.
 *
 * @param type {@code basic}
 * @param username shown in answers: it names the account, it is not the secret
 * @param password in clear only between a request and the store, and inside build-service
 */
public record GitCredentials(String type, String username, String password) {

  public static final String BASIC = "basic";

  public static GitCredentials basic(String username, String password) {
    return new GitCredentials(BASIC, username, password);
  }

  /** What answers show: the password replaced by {@code "***"}. */
  public GitCredentials masked() {
    return new GitCredentials(type, username, App.MASK);
  }

  /** Never the password: a record's own toString would print it into any log line. */
  @Override
  public String toString() {
    return "GitCredentials[type=" + type + ", username=" + username + ", password=***]";
  }
}
