package dev.lanes.gateway.http;

import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import java.util.function.UnaryOperator;

/**
 * Reads an image repo's {@code git_credentials}: absent keeps them, {@code null} removes them, an
 * object replaces them whole. No error message quotes a value: a rejected password is still a
 * password.
 */
final class GitCredentialsRequests {

  static final String FIELD = "git_credentials";
  static final int MAX_USERNAME = 256;
  // long enough for the longest tokens forges issue (Azure DevOps and JWT-like ones run to ~2 KB)
  static final int MAX_PASSWORD = 8192;

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
    GitCredentials wanted = basic(creds);
    return current -> wanted;
  }

  private static GitCredentials basic(JsonBody creds) {
    Validation v = creds.validation();
    String type = creds.requiredString("type");
    if (type != null && !type.equals(GitCredentials.BASIC)) {
      v.add(
          creds.path("type"),
          type.equals("ssh")
              ? "ssh is not supported yet: give an https:// repository with type basic"
              : "must be basic (an HTTPS user name and a password or token)");
      // the other members belong to a type not read here: the type is the one error to report
      return null;
    }
    String username = creds.requiredString("username");
    String password = creds.requiredString("password");
    checkUsername(v, creds.path("username"), username);
    checkSecret(v, creds.path("password"), password, MAX_PASSWORD);
    creds.rejectUnknownFields();
    return GitCredentials.basic(username, password);
  }

  static void checkUsername(Validation v, String path, String username) {
    if (checkSecret(v, path, username, MAX_USERNAME)) {
      // HTTP Basic joins user name and password with the first colon (RFC 7617)
      v.check(username.indexOf(':') < 0, path, "must not contain ':'");
    }
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
