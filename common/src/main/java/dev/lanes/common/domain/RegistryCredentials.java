package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lanes.common.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the builder of an image repo logs in to registries: a user name and password for the repo's
 * own registry host, or a whole {@code .dockerconfigjson} document ({@code auths} by host). The
 * passwords, tokens and {@code auth} values are write-only: answers carry {@link #masked()}.
 *
 * @param username with {@code password}: for the host of the repo's {@code registry}
 * @param auths instead: the {@code auths} of a docker config, host → {@code auth}, {@code
 *     username}, {@code password}, {@code identitytoken}, {@code email}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RegistryCredentials(
    String username, String password, Map<String, Map<String, String>> auths) {

  /** Docker Hub's key in a docker config. */
  public static final String DOCKER_HUB = "https://index.docker.io/v1/";

  public static RegistryCredentials basic(String username, String password) {
    return new RegistryCredentials(username, password, null);
  }

  public static RegistryCredentials dockerConfig(Map<String, Map<String, String>> auths) {
    return new RegistryCredentials(null, null, auths);
  }

  /**
   * What answers show: user names (the account, not the secret) and for each host {@code "***"} in
   * place of what logs in.
   */
  public RegistryCredentials masked() {
    if (auths == null) {
      return new RegistryCredentials(username, App.MASK, null);
    }
    Map<String, Map<String, String>> shown = new LinkedHashMap<>();
    auths.forEach(
        (host, entry) -> {
          Map<String, String> m = new LinkedHashMap<>();
          String user = userOf(entry);
          if (user != null) {
            m.put("username", user);
          }
          m.put("password", App.MASK);
          shown.put(host, m);
        });
    return new RegistryCredentials(null, null, shown);
  }

  /**
   * The {@code .dockerconfigjson} a Kubernetes Secret of type {@code
   * kubernetes.io/dockerconfigjson} holds, for a repo pushing to {@code registryHost}.
   */
  public String dockerConfigJson(String registryHost) {
    Map<String, Map<String, String>> all = auths;
    if (all == null) {
      String auth =
          Base64.getEncoder()
              .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
      all = Map.of(registryHost, Map.of("username", username, "password", password, "auth", auth));
    }
    return new String(Json.write(Map.of("auths", all)), StandardCharsets.UTF_8);
  }

  /** The host a docker config names for an image's registry: Docker Hub for a bare name. */
  public static String registryHost(String image) {
    int slash = image.indexOf('/');
    String first = slash < 0 ? "" : image.substring(0, slash);
    boolean isHost = first.contains(".") || first.contains(":") || first.equals("localhost");
    return isHost ? first : DOCKER_HUB;
  }

  private static String userOf(Map<String, String> entry) {
    if (entry.get("username") != null) {
      return entry.get("username");
    }
    String auth = entry.get("auth");
    if (auth == null) {
      return null;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(auth), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      return colon < 0 ? null : decoded.substring(0, colon);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Never a password: a record's own toString would print it into any log line. */
  @Override
  public String toString() {
    return "RegistryCredentials" + (auths == null ? "[username=" + username + "]" : auths.keySet());
  }
}
