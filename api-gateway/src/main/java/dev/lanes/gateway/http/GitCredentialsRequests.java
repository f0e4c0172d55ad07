package dev.lanes.gateway.http;

import dev.lanes.common.crypto.SshKeys;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.domain.ImageRepo;
import dev.lanes.common.net.SshGitUrl;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Reads an image repo's {@code git_credentials}: absent keeps them, {@code null} removes them, an
 * object replaces them whole. No error message quotes a value: a rejected password or key is still
 * a secret.
 */
final class GitCredentialsRequests {

  static final String FIELD = "git_credentials";
  static final int MAX_USERNAME = 256;
  // long enough for the longest tokens forges issue (Azure DevOps and JWT-like ones run to ~2 KB)
  static final int MAX_PASSWORD = 8192;
  // an RSA 8192-bit key in OpenSSH form is ~6.5 KB; nothing an SSH server takes is longer
  static final int MAX_PRIVATE_KEY = 16384;
  // ssh-keyscan of a host prints three to five lines of under 1 KB each; room for many hosts
  static final int MAX_KNOWN_HOSTS = 65536;

  private GitCredentialsRequests() {}

  /** The change the body asks for, to apply to the repo's current credentials. */
  static UnaryOperator<GitCredentials> read(JsonBody body) {
    if (!body.has(FIELD)) {
      return UnaryOperator.identity();
    }
    if (body.isNull(FIELD)) {
      return current -> null;
    }
    JsonBody creds = body.object(FIELD);
    if (creds == null) {
      return UnaryOperator.identity(); // not an object: the type error is recorded
    }
    GitCredentials wanted = typed(creds);
    return current -> wanted;
  }

  private static GitCredentials typed(JsonBody creds) {
    String type = creds.requiredString("type");
    if (GitCredentials.BASIC.equals(type)) {
      return basic(creds);
    }
    if (GitCredentials.SSH.equals(type)) {
      return ssh(creds);
    }
    if (type != null) {
      creds
          .validation()
          .add(
              creds.path("type"),
              "must be basic (an HTTPS user name and a password or token) or ssh (a private key"
                  + " and known_hosts)");
    }
    // the other members belong to a type not known: the type is the one error to report
    return null;
  }

  private static GitCredentials basic(JsonBody creds) {
    Validation v = creds.validation();
    String username = creds.requiredString("username");
    String password = creds.requiredString("password");
    checkUsername(v, creds.path("username"), username);
    checkSecret(v, creds.path("password"), password, MAX_PASSWORD);
    creds.rejectUnknownFields();
    return GitCredentials.basic(username, password);
  }

  private static GitCredentials ssh(JsonBody creds) {
    Validation v = creds.validation();
    String key = creds.requiredString("private_key");
    String knownHosts = creds.requiredString("known_hosts");
    checkPrivateKey(v, creds.path("private_key"), key);
    checkKnownHosts(v, creds.path("known_hosts"), knownHosts);
    creds.rejectUnknownFields();
    return GitCredentials.ssh(key, knownHosts);
  }

  private static void checkPrivateKey(Validation v, String path, String key) {
    if (key == null || !checkLength(v, path, key, MAX_PRIVATE_KEY)) {
      return;
    }
    try {
      SshKeys.privateKey(key);
    } catch (SshKeys.InvalidSshKey e) {
      v.add(path, e.getMessage());
    }
  }

  private static void checkKnownHosts(Validation v, String path, String knownHosts) {
    if (knownHosts == null || !checkLength(v, path, knownHosts, MAX_KNOWN_HOSTS)) {
      return;
    }
    try {
      SshKeys.knownHosts(knownHosts);
    } catch (SshKeys.InvalidSshKey e) {
      v.add(path, e.getMessage());
    }
  }

  /**
   * Refuses a repo whose credentials do not fit its {@code git_repo}, as the change left both:
   * basic ones for an SSH URL or ssh ones for any other, none for an SSH URL (no SSH server lets a
   * clone in without a key), and known_hosts without a line for the URL's host: a build would then
   * refuse every host key, so it is said now.
   */
  static void checkFits(ImageRepo repo) {
    Validation v = new Validation();
    GitCredentials creds = repo.gitCredentials();
    Optional<SshGitUrl> ssh =
        repo.gitRepo() == null ? Optional.empty() : SshGitUrl.parse(repo.gitRepo());
    if (creds == null) {
      v.check(
          ssh.isEmpty(),
          FIELD,
          "an SSH git_repo needs git_credentials of type ssh: a private key its server accepts"
              + " and the server's known_hosts lines");
    } else if (!creds.isSsh()) {
      v.check(
          ssh.isEmpty(),
          FIELD + ".type",
          "basic credentials are for an https:// git_repo; an SSH git_repo needs type ssh");
    } else if (ssh.isEmpty()) {
      v.add(
          FIELD + ".type",
          "ssh credentials need an SSH git_repo: ssh://git@host[:port]/path or git@host:path");
    } else {
      checkKnowsHost(v, creds, ssh.get());
    }
    v.throwIfInvalid();
  }

  private static void checkKnowsHost(Validation v, GitCredentials creds, SshGitUrl url) {
    try {
      v.check(
          SshKeys.names(SshKeys.knownHosts(creds.knownHosts()), url.host(), url.port()),
          FIELD + ".known_hosts",
          "has no line for "
              + url.knownHostsName()
              + ", the git_repo's host: add what `ssh-keyscan "
              + (url.port() == SshGitUrl.DEFAULT_PORT ? "" : "-p " + url.port() + " ")
              + url.host()
              + "` prints, after checking its fingerprints against the host's published ones");
    } catch (SshKeys.InvalidSshKey e) {
      v.add(FIELD + ".known_hosts", e.getMessage());
    }
  }

  static void checkUsername(Validation v, String path, String username) {
    if (checkSecret(v, path, username, MAX_USERNAME)) {
      // HTTP Basic joins user name and password with the first colon (RFC 7617)
      v.check(username.indexOf(':') < 0, path, "must not contain ':'");
    }
  }

  private static boolean checkLength(Validation v, String path, String value, int max) {
    return v.check(!value.isBlank(), path, "must not be empty")
        && v.check(value.length() <= max, path, "must be at most " + max + " characters");
  }

  /** Non-empty, bounded, printable: what a header can carry. Says nothing of the value. */
  static boolean checkSecret(Validation v, String path, String value, int max) {
    if (value == null) {
      return false;
    }
    return v.check(!value.isEmpty(), path, "must not be empty")
        && v.check(value.length() <= max, path, "must be at most " + max + " characters")
        && v.check(
            value.chars().noneMatch(Character::isISOControl),
            path,
            "must not contain control characters (a line break copied with the token?)");
  }
}
