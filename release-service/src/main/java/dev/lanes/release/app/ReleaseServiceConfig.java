package dev.lanes.release.app;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of release-service.
 *
 * @param namespace where apps' Deployments and Services live ({@code DEPLOY_NAMESPACE})
 * @param timeout how long a rollout may take before the release fails
 */
public record ReleaseServiceConfig(String namespace, Duration timeout) {

  public static final ConfigKey<String> DEPLOY_NAMESPACE =
      ConfigKey.string(
          "DEPLOY_NAMESPACE", "prod", "Namespace of the apps' Deployments and Services.");
  public static final ConfigKey<Duration> RELEASE_TIMEOUT =
      ConfigKey.of(
          "RELEASE_TIMEOUT",
          "5m",
          ConfigParsers::duration,
          "How long a rollout may take before its release fails (progress deadline).");

  public static final List<ConfigKey<?>> KEYS = List.of(DEPLOY_NAMESPACE, RELEASE_TIMEOUT);

  public static ReleaseServiceConfig from(ConfigReader reader) {
    return new ReleaseServiceConfig(reader.get(DEPLOY_NAMESPACE), reader.get(RELEASE_TIMEOUT));
  }
}
