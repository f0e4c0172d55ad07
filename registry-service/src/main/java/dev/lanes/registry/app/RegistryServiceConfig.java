package dev.lanes.registry.app;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import dev.lanes.common.k8s.KubeConfig;
import java.util.List;

/**
 * Configuration of registry-service.
 *
 * @param namespace where it watches Services and their endpoints ({@code DEPLOY_NAMESPACE})
 */
public record RegistryServiceConfig(HttpConfig http, String namespace) {

  public static final ConfigKey<Integer> REGISTRY_HTTP_PORT =
      ConfigKey.integer("REGISTRY_HTTP_PORT", 8081, 0, 65535, "Port of the route registry.");
  public static final ConfigKey<String> DEPLOY_NAMESPACE = KubeConfig.DEPLOY_NAMESPACE;

  public static final List<ConfigKey<?>> KEYS = List.of(REGISTRY_HTTP_PORT, DEPLOY_NAMESPACE);

  public static RegistryServiceConfig from(ConfigReader reader) {
    Integer port = reader.get(REGISTRY_HTTP_PORT);
    return new RegistryServiceConfig(
        new HttpConfig(reader.get(HttpConfig.BIND_ADDRESS), port == null ? 0 : port),
        reader.get(DEPLOY_NAMESPACE));
  }

  public RegistryServiceConfig withHttp(HttpConfig http) {
    return new RegistryServiceConfig(http, namespace);
  }
}
