package dev.lanes.platform;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.common.builds.BuildKeys;
import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.k8s.KubeConfig;
import dev.lanes.gateway.app.GatewayConfig;
import dev.lanes.registry.app.RegistryServiceConfig;
import dev.lanes.releases.app.ReleaseServiceConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Configuration of the whole platform in one JVM: every service's keys plus where local state
 * lives.
 *
 * @param db the external Postgres, or {@code null} to run an embedded one in {@code dataDir}
 */
public record PlatformConfig(
    Path dataDir,
    DbConfig db,
    int dbPoolSize,
    GatewayConfig gateway,
    BuildServiceConfig build,
    ReleaseServiceConfig release,
    RegistryServiceConfig registry,
    KubeConfig kube,
    Boolean allowLocalGit,
    Duration sandboxStep,
    Path serviceKubeconfigs) {

  public static final ConfigKey<Path> DATA_DIR =
      ConfigKey.of(
          "LANES_DATA_DIR",
          ".lanes",
          Path::of,
          "Local state of make run: the embedded PostgreSQL, the secret key, the sandbox cluster.");

  public static final ConfigKey<Duration> SANDBOX_STEP =
      ConfigKey.of(
          "SANDBOX_STEP_DELAY",
          "500ms",
          ConfigParsers::duration,
          "Pace of the sandbox cluster's simulated kubelet: the time between two steps of a pod.");

  public static final ConfigKey<Path> SERVICE_KUBECONFIGS =
      ConfigKey.of(
          "LANES_SERVICE_KUBECONFIGS",
          null,
          Path::of,
          "A directory of one kubeconfig per service (api-gateway.kubeconfig,"
              + " build-service.kubeconfig, release-service.kubeconfig,"
              + " registry-service.kubeconfig): each service talks to the cluster as its own"
              + " ServiceAccount, as in a cluster, instead of as KUBECONFIG's user. make run-kube"
              + " writes them.");

  /**
   * The services that talk to the cluster, by the name of their kubeconfig in {@link
   * #SERVICE_KUBECONFIGS}.
   */
  public static final List<String> SERVICES =
      List.of("api-gateway", "build-service", "release-service", "registry-service");

  /** Every key the platform reads, once each, in the order the docs list them. */
  public static List<ConfigKey<?>> keys() {
    Map<String, ConfigKey<?>> keys = new LinkedHashMap<>();
    for (List<ConfigKey<?>> group :
        List.of(
            List.of(
                DATA_DIR,
                DbConfig.DATABASE_URL,
                DbConfig.DATABASE_POOL_SIZE,
                KubeConfig.KUBECONFIG,
                SERVICE_KUBECONFIGS,
                SANDBOX_STEP),
            GatewayConfig.KEYS,
            RegistryServiceConfig.KEYS,
            BuildServiceConfig.KEYS,
            ReleaseServiceConfig.KEYS)) {
      group.forEach(k -> keys.putIfAbsent(k.name(), k));
    }
    return new ArrayList<>(keys.values());
  }

  /**
   * @throws dev.lanes.common.config.ConfigException naming every problem
   */
  public static PlatformConfig from(Map<String, String> env) {
    ConfigReader reader = new ConfigReader(env);
    Path dataDir = reader.get(DATA_DIR);
    DbConfig db = DbConfig.from(reader);
    Integer poolSize = reader.get(DbConfig.DATABASE_POOL_SIZE);
    GatewayConfig gateway = GatewayConfig.from(reader);
    BuildServiceConfig build = BuildServiceConfig.from(reader);
    ReleaseServiceConfig release = ReleaseServiceConfig.from(reader);
    RegistryServiceConfig registry = RegistryServiceConfig.from(reader);
    KubeConfig kube = KubeConfig.from(reader, env);
    Boolean allowLocalGit = reader.get(BuildKeys.ALLOW_LOCAL_GIT);
    Duration sandboxStep = reader.get(SANDBOX_STEP);
    Path serviceKubeconfigs = reader.get(SERVICE_KUBECONFIGS);
    if (serviceKubeconfigs != null) {
      if (!kube.isConfigured()) {
        reader.problem("LANES_SERVICE_KUBECONFIGS needs a cluster: set KUBECONFIG too");
      }
      for (String service : SERVICES) {
        if (!java.nio.file.Files.isReadable(serviceKubeconfigs.resolve(service + ".kubeconfig"))) {
          reader.problem(
              "LANES_SERVICE_KUBECONFIGS: cannot read "
                  + serviceKubeconfigs.resolve(service + ".kubeconfig"));
        }
      }
    }
    if (gateway.http().port() != 0 && gateway.http().port() == registry.http().port()) {
      reader.problem("HTTP_PORT and REGISTRY_HTTP_PORT must differ");
    }
    reader.done();
    return new PlatformConfig(
        dataDir.toAbsolutePath().normalize(),
        db,
        poolSize == null ? 16 : poolSize,
        gateway,
        build,
        release,
        registry,
        kube,
        allowLocalGit,
        sandboxStep,
        serviceKubeconfigs);
  }

  public PlatformConfig withGateway(GatewayConfig gateway) {
    return new PlatformConfig(
        dataDir,
        db,
        dbPoolSize,
        gateway,
        build,
        release,
        registry,
        kube,
        allowLocalGit,
        sandboxStep,
        serviceKubeconfigs);
  }

  public PlatformConfig withDb(DbConfig db) {
    return new PlatformConfig(
        dataDir,
        db,
        dbPoolSize,
        gateway,
        build,
        release,
        registry,
        kube,
        allowLocalGit,
        sandboxStep,
        serviceKubeconfigs);
  }

  /** The kubeconfig {@code service} uses, or {@code null} for KUBECONFIG's (or the sandbox's). */
  public Path kubeconfigOf(String service) {
    return serviceKubeconfigs == null ? null : serviceKubeconfigs.resolve(service + ".kubeconfig");
  }

  /** Whether file:// repositories are accepted: as configured, else only with the sandbox. */
  public boolean localGitAllowed(boolean sandbox) {
    return allowLocalGit != null ? allowLocalGit : sandbox;
  }

  /** Ports 0 everywhere: for tests that run several platforms side by side. */
  public PlatformConfig onFreePorts() {
    return new PlatformConfig(
        dataDir,
        db,
        dbPoolSize,
        gateway.withHttp(new HttpConfig("127.0.0.1", 0)),
        build,
        release,
        registry.withHttp(new HttpConfig("127.0.0.1", 0)),
        kube,
        allowLocalGit,
        sandboxStep,
        serviceKubeconfigs);
  }
}
