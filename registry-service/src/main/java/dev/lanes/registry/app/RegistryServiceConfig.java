package dev.lanes.registry.app;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import dev.lanes.common.k8s.KubeConfig;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of registry-service.
 *
 * @param namespace where it watches Services and their endpoints ({@code DEPLOY_NAMESPACE})
 * @param heartbeat how often an idle route stream gets a comment line ({@code REGISTRY_HEARTBEAT})
 * @param history how many deltas it keeps for subscribers that reconnect
 */
public record RegistryServiceConfig(
    HttpConfig http, String namespace, Duration heartbeat, int history) {

  public static final int DEFAULT_HISTORY = 1024;

  public static final ConfigKey<Integer> REGISTRY_HTTP_PORT =
      ConfigKey.integer("REGISTRY_HTTP_PORT", 8081, 0, 65535, "Port of the route registry.");
  public static final ConfigKey<String> DEPLOY_NAMESPACE = KubeConfig.DEPLOY_NAMESPACE;
  public static final ConfigKey<Duration> REGISTRY_HEARTBEAT =
      ConfigKey.of(
          "REGISTRY_HEARTBEAT",
          "15s",
          ConfigParsers::duration,
          "How often the registry writes a heartbeat comment on idle route streams; SDKs treat a"
              + " stream silent for three heartbeats as dead.");

  public static final List<ConfigKey<?>> KEYS =
      List.of(REGISTRY_HTTP_PORT, DEPLOY_NAMESPACE, REGISTRY_HEARTBEAT);

  public static RegistryServiceConfig from(ConfigReader reader) {
    Integer port = reader.get(REGISTRY_HTTP_PORT);
    return new RegistryServiceConfig(
        new HttpConfig(reader.get(HttpConfig.BIND_ADDRESS), port == null ? 0 : port),
        reader.get(DEPLOY_NAMESPACE),
        reader.get(REGISTRY_HEARTBEAT),
        DEFAULT_HISTORY);
  }

  public RegistryServiceConfig withHttp(HttpConfig http) {
    return new RegistryServiceConfig(http, namespace, heartbeat, history);
  }

  public RegistryServiceConfig withHeartbeat(Duration heartbeat) {
    return new RegistryServiceConfig(http, namespace, heartbeat, history);
  }

  public RegistryServiceConfig withHistory(int history) {
    return new RegistryServiceConfig(http, namespace, heartbeat, history);
  }
}
