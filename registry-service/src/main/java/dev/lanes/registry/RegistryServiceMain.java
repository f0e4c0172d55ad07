package dev.lanes.registry;

import dev.lanes.common.app.ServiceEnv;
import dev.lanes.common.app.ServiceProcess;
import dev.lanes.common.app.ServiceRuntime;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.registry.app.RegistryServiceConfig;
import dev.lanes.registry.app.RegistryServiceVerticle;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * registry-service as its own process. It needs only the cluster: every replica watches Services
 * and EndpointSlices itself and serves the same table, so replicas need no election and no Kafka.
 */
public final class RegistryServiceMain {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryServiceMain.class);
  private static final String SERVICE = "registry-service";

  private RegistryServiceMain() {}

  public static void main(String[] args) {
    ServiceProcess.main(SERVICE, RegistryServiceMain::start);
  }

  /**
   * Starts the service from {@code env}; {@code closer} stops it. Public for tests that run
   * several.
   */
  public static AutoCloseable start(Map<String, String> env, ServiceProcess.Closer closer)
      throws Exception {
    ConfigReader reader = new ConfigReader(env);
    RegistryServiceConfig config = RegistryServiceConfig.from(reader);
    ServiceEnv service = ServiceEnv.from(reader, env, ServiceEnv.Needs.CLUSTER_ONLY);
    reader.done();

    ServiceRuntime runtime = ServiceRuntime.start(SERVICE, service, closer);
    RegistryServiceVerticle registry =
        new RegistryServiceVerticle(config, runtime.metrics().registry(), runtime.kube());
    runtime.vertx().deployVerticle(registry).await(60, TimeUnit.SECONDS);
    LOG.info(
        "{} listening on {}:{} (routes of namespace {})",
        SERVICE,
        config.http().bindAddress(),
        registry.actualPort(),
        config.namespace());
    return () -> {};
  }
}
