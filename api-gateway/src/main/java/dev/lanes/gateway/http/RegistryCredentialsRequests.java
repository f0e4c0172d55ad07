package dev.lanes.gateway.http;

import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads an image repo's {@code registry_credentials}: {@code {"username", "password"}} for the
 * repo's registry host, or a {@code .dockerconfigjson} document ({@code {"auths": {host: {...}}}}).
 * Every message names the field, never a value.
 */
final class RegistryCredentialsRequests {

  static final String FIELD = "registry_credentials";
  static final int MAX_HOSTS = 20;
  // registry tokens (ECR's, GCP's access tokens, robot accounts' secrets) run to a few KB
  static final int MAX_SECRET = 8192;
  private static final List<String> ENTRY_FIELDS =
      List.of("auth", "username", "password", "identitytoken", "email");
  // host[:port] with an optional path, or an https:// URL (Docker Hub's key is one)
  private static final Pattern HOST =
      Pattern.compile("(https?://)?[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._/-]*)?");

  private RegistryCredentialsRequests() {}

  /** The change the body asks for, to apply to the repo's current credentials. */
  static UnaryOperator<RegistryCredentials> read(JsonBody body) {
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
    RegistryCredentials wanted = creds.has("auths") ? dockerConfig(creds) : basic(creds);
    creds.rejectUnknownFields();
    return current -> wanted;
  }

  private static RegistryCredentials basic(JsonBody creds) {
    Validation v = creds.validation();
    String username = creds.requiredString("username");
    String password = creds.requiredString("password");
    if (username != null) {
      GitCredentialsRequests.checkUsername(v, creds.path("username"), username);
    }
    GitCredentialsRequests.checkSecret(v, creds.path("password"), password, MAX_SECRET);
    return RegistryCredentials.basic(username, password);
  }

  private static RegistryCredentials dockerConfig(JsonBody creds) {
    Validation v = creds.validation();
    JsonBody auths = creds.object("auths");
    if (auths == null) {
      return null; // not an object: the type error is recorded
    }
    List<String> hosts = auths.fieldNames();
    v.check(!hosts.isEmpty(), creds.path("auths"), "must name at least one registry host");
    v.check(
        hosts.size() <= MAX_HOSTS,
        creds.path("auths"),
        "must name at most " + MAX_HOSTS + " registry hosts");
    Map<String, Map<String, String>> read = new LinkedHashMap<>();
    for (String host : hosts) {
      v.check(
          host.length() <= 255 && HOST.matcher(host).matches(),
          auths.path(host),
          "must be a registry host (harbor.example.com, host:5000) or Docker Hub's"
              + " https://index.docker.io/v1/");
      JsonBody entry = auths.object(host);
      if (entry != null) {
        read.put(host, entry(entry));
      }
    }
    return RegistryCredentials.dockerConfig(read);
  }

  /** One host's login: {@code auth} (base64 of user:password), the pair, or an identity token. */
  private static Map<String, String> entry(JsonBody entry) {
    Validation v = entry.validation();
    Map<String, String> out = new LinkedHashMap<>();
    for (String field : ENTRY_FIELDS) {
      String value = entry.string(field);
      if (value != null
          && GitCredentialsRequests.checkSecret(v, entry.path(field), value, MAX_SECRET)) {
        out.put(field, value);
      }
    }
    entry.rejectUnknownFields();
    boolean pair = out.containsKey("username") && out.containsKey("password");
    if (!pair && !out.containsKey("auth") && !out.containsKey("identitytoken")) {
      v.add(
          entry.path("auth"),
          "is required: auth (base64 of user:password), username and password, or identitytoken");
    }
    if (out.containsKey("auth") && !isUserColonPassword(out.get("auth"))) {
      v.add(entry.path("auth"), "must be base64 of user:password");
    }
    return out;
  }

  private static boolean isUserColonPassword(String auth) {
    try {
      String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      return decoded.indexOf(':') > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
