package dev.lanes.releases.app;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.Secret;
import dev.lanes.common.crypto.SecretKeys;
import dev.lanes.common.k8s.KubeConfig;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of release-service.
 *
 * @param namespace where apps' Deployments and Services live ({@code DEPLOY_NAMESPACE})
 * @param timeout how long a rollout may take before the release fails
 * @param secretKey opens the apps' secret envs, to write them into their Secrets
 * @param auditRetention how long the audit log keeps an entry; the leader prunes older ones
 */
public record ReleaseServiceConfig(
    String namespace, Duration timeout, Secret secretKey, Duration auditRetention) {

  public static final ConfigKey<String> DEPLOY_NAMESPACE = KubeConfig.DEPLOY_NAMESPACE;
  public static final ConfigKey<Duration> RELEASE_TIMEOUT =
      ConfigKey.of(
          "RELEASE_TIMEOUT",
          "5m",
          ConfigParsers::duration,
          "How long a rollout may take before its release fails (progress deadline).");

  public static final ConfigKey<Duration> AUDIT_RETENTION =
      ConfigKey.of(
          "AUDIT_RETENTION",
          "90d",
          ConfigParsers::duration,
          "How long the audit log keeps an entry; release-service's leader prunes older ones.");

  public static final List<ConfigKey<?>> KEYS =
      List.of(DEPLOY_NAMESPACE, RELEASE_TIMEOUT, SecretKeys.LANES_SECRET_KEY, AUDIT_RETENTION);

  public static ReleaseServiceConfig from(ConfigReader reader) {
    return new ReleaseServiceConfig(
        reader.get(DEPLOY_NAMESPACE),
        reader.get(RELEASE_TIMEOUT),
        reader.get(SecretKeys.LANES_SECRET_KEY),
        reader.get(AUDIT_RETENTION));
  }

  public ReleaseServiceConfig withSecretKey(Secret key) {
    return new ReleaseServiceConfig(namespace, timeout, key, auditRetention);
  }
}
