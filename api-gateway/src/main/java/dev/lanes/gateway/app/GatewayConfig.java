package dev.lanes.gateway.app;

import dev.lanes.common.builds.BuildKeys;
import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import dev.lanes.common.config.Secret;
import dev.lanes.common.crypto.SecretKeys;
import dev.lanes.common.domain.Builder;
import dev.lanes.common.k8s.KubeConfig;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of the API gateway, read once from the environment.
 *
 * @param instances gateway verticles sharing the port, one per event loop by default
 * @param adminToken the admin key from {@code API_TOKEN}, or {@code null} to generate one
 * @param secretKey the AES key sealing app secret envs at rest ({@code LANES_SECRET_KEY})
 * @param authCacheTtl how long a checked key is trusted before it is read again; bounds how long a
 *     key revoked through another gateway replica keeps working
 * @param authFailureLimit failed authentications from one address a minute before the next ones are
 *     refused with 429
 */
public record GatewayConfig(
    HttpConfig http,
    int instances,
    Secret adminToken,
    boolean rotateAdminKey,
    Secret secretKey,
    boolean allowLocalGit,
    List<String> gitAllowedNetworks,
    Duration authCacheTtl,
    int authFailureLimit,
    String buildNamespace,
    String deployNamespace,
    Builder defaultBuilder) {

  public static final ConfigKey<Integer> HTTP_PORT =
      ConfigKey.integer("HTTP_PORT", 8080, 0, 65535, "Port of the REST API.");
  public static final ConfigKey<Integer> HTTP_INSTANCES =
      ConfigKey.integer(
          "HTTP_INSTANCES",
          Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
          1,
          64,
          "Gateway verticles sharing the port (default: one per two CPU cores).");
  public static final ConfigKey<Secret> API_TOKEN =
      ConfigKey.secret(
          "API_TOKEN",
          "The admin API key. Unset: one is generated on first start, printed once, and only its"
              + " hash is kept.");
  public static final ConfigKey<Boolean> ROTATE_ADMIN_KEY =
      ConfigKey.bool(
          "LANES_ROTATE_ADMIN_KEY",
          false,
          "With API_TOKEN unset: generate and print a new admin key at start-up, revoking the old"
              + " one (for a lost key).");
  public static final ConfigKey<Secret> SECRET_KEY = SecretKeys.LANES_SECRET_KEY;
  public static final ConfigKey<Boolean> ALLOW_LOCAL_GIT = BuildKeys.ALLOW_LOCAL_GIT;
  public static final ConfigKey<Duration> AUTH_CACHE_TTL =
      ConfigKey.of(
          "AUTH_CACHE_TTL",
          "5s",
          ConfigParsers::duration,
          "How long a gateway trusts a checked API key before reading it again; a key revoked"
              + " through another replica stops working within this time.");

  public static final ConfigKey<Integer> AUTH_FAILURE_LIMIT =
      ConfigKey.integer(
          "AUTH_FAILURE_LIMIT",
          20,
          1,
          1_000_000,
          "Failed authentications from one address a minute; past it, further failures from that"
              + " address are answered 429 too_many_attempts until the minute ends (a valid key"
              + " always passes).");

  public static final ConfigKey<Builder> DEFAULT_BUILDER =
      ConfigKey.of(
          "DEFAULT_BUILDER",
          "kaniko",
          GatewayConfig::builder,
          "Builder of image repos created without one: kaniko or buildkit. Written into the new"
              + " repo, so changing it later leaves existing repos as they are.");

  private static Builder builder(String text) {
    return Builder.parse(text)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "must be one of " + String.join(", ", Builder.names())));
  }

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          HTTP_PORT,
          HttpConfig.BIND_ADDRESS,
          HTTP_INSTANCES,
          API_TOKEN,
          ROTATE_ADMIN_KEY,
          SECRET_KEY,
          ALLOW_LOCAL_GIT,
          BuildKeys.GIT_ALLOWED_NETWORKS,
          AUTH_CACHE_TTL,
          AUTH_FAILURE_LIMIT,
          BuildKeys.BUILD_NAMESPACE,
          KubeConfig.DEPLOY_NAMESPACE,
          DEFAULT_BUILDER);

  /** Reads the gateway's keys; problems are collected in {@code reader}. */
  public static GatewayConfig from(ConfigReader reader) {
    return new GatewayConfig(
        new HttpConfig(reader.get(HttpConfig.BIND_ADDRESS), orZero(reader.get(HTTP_PORT))),
        orOne(reader.get(HTTP_INSTANCES)),
        reader.get(API_TOKEN),
        Boolean.TRUE.equals(reader.get(ROTATE_ADMIN_KEY)),
        reader.get(SECRET_KEY),
        Boolean.TRUE.equals(reader.get(ALLOW_LOCAL_GIT)),
        orEmpty(reader.get(BuildKeys.GIT_ALLOWED_NETWORKS)),
        reader.get(AUTH_CACHE_TTL),
        reader.get(AUTH_FAILURE_LIMIT),
        reader.get(BuildKeys.BUILD_NAMESPACE),
        reader.get(KubeConfig.DEPLOY_NAMESPACE),
        reader.get(DEFAULT_BUILDER));
  }

  public GatewayConfig withSecretKey(Secret key) {
    return new GatewayConfig(
        http,
        instances,
        adminToken,
        rotateAdminKey,
        key,
        allowLocalGit,
        gitAllowedNetworks,
        authCacheTtl,
        authFailureLimit,
        buildNamespace,
        deployNamespace,
        defaultBuilder);
  }

  public GatewayConfig withAllowLocalGit(boolean allow) {
    return new GatewayConfig(
        http,
        instances,
        adminToken,
        rotateAdminKey,
        secretKey,
        allow,
        gitAllowedNetworks,
        authCacheTtl,
        authFailureLimit,
        buildNamespace,
        deployNamespace,
        defaultBuilder);
  }

  public GatewayConfig withHttp(HttpConfig http) {
    return new GatewayConfig(
        http,
        instances,
        adminToken,
        rotateAdminKey,
        secretKey,
        allowLocalGit,
        gitAllowedNetworks,
        authCacheTtl,
        authFailureLimit,
        buildNamespace,
        deployNamespace,
        defaultBuilder);
  }

  private static List<String> orEmpty(List<String> value) {
    return value == null ? List.of() : value;
  }

  private static int orZero(Integer value) {
    return value == null ? 0 : value;
  }

  private static int orOne(Integer value) {
    return value == null ? 1 : value;
  }
}
