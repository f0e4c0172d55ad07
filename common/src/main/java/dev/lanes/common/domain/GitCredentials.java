package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How an image repo's git repository is read when it is private: HTTP Basic credentials for an
 * {@code https://} repository (a GitHub or GitLab token as the password, or a Gitea password), or
 * an SSH key with the {@code known_hosts} that the server's host key is checked against for an
 * {@code ssh://} or {@code user@host:path} one. The password and the private key are write-only:
 * answers carry {@link #masked()}.
 *
 * <p>The members of the other type are {@code null}, and left out of the JSON.
 *
 * @param type {@link #BASIC} or {@link #SSH}
 * @param username basic: shown in answers, it names the account and is not the secret
 * @param password basic: in clear only between a request and the store, and inside build-service
 * @param privateKey ssh: an unencrypted OpenSSH or PEM private key; in clear only where the
 *     password is
 * @param knownHosts ssh: OpenSSH {@code known_hosts} lines with the server's host key. Public (a
 *     host key is what the server shows every client), so answers show it as given: that is how a
 *     user sees which host key builds trust
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GitCredentials(
    String type, String username, String password, String privateKey, String knownHosts) {

  public static final String BASIC = "basic";
  public static final String SSH = "ssh";

  public static GitCredentials basic(String username, String password) {
    return new GitCredentials(BASIC, username, password, null, null);
  }

  public static GitCredentials ssh(String privateKey, String knownHosts) {
    return new GitCredentials(SSH, null, null, privateKey, knownHosts);
  }

  @JsonIgnore // not a member: the sealed JSON and the answers hold the type only
  public boolean isSsh() {
    return SSH.equals(type);
  }

  /** What answers show: the password or the private key replaced by {@code "***"}. */
  public GitCredentials masked() {
    return isSsh()
        ? new GitCredentials(type, null, null, App.MASK, knownHosts)
        : new GitCredentials(type, username, App.MASK, null, null);
  }

  /** Never the secret: a record's own toString would print it into any log line. */
  @Override
  public String toString() {
    return isSsh()
        ? "GitCredentials[type=ssh, private_key=***]"
        : "GitCredentials[type=" + type + ", username=" + username + ", password=***]";
  }
}
