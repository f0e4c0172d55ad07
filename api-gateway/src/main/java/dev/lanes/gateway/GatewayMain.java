package dev.lanes.gateway;

import dev.lanes.common.app.ServiceEnv;
import dev.lanes.common.app.ServiceProcess;
import dev.lanes.common.app.ServiceRuntime;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.outbox.OutboxRelay;
import dev.lanes.common.outbox.OutboxRelayVerticle;
import dev.lanes.gateway.app.Gateway;
import dev.lanes.gateway.app.GatewayConfig;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * api-gateway as its own process: the REST API and event streams on {@code HTTP_PORT}, and the
 * outbox relay that publishes what the API wrote to Kafka (one relay at a time over all replicas:
 * it holds a Postgres advisory lock). Needs {@code LANES_SECRET_KEY}, shared with release-service,
 * and {@code API_TOKEN}, the admin key.
 */
public final class GatewayMain {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayMain.class);
  private static final String SERVICE = "api-gateway";

  private GatewayMain() {}

  public static void main(String[] args) {
    ServiceProcess.main(SERVICE, GatewayMain::start);
  }

  /**
   * Starts the service from {@code env}; {@code closer} stops it. Public for tests that run
   * several.
   */
  public static AutoCloseable start(Map<String, String> env, ServiceProcess.Closer closer)
      throws Exception {
    ConfigReader reader = new ConfigReader(env);
    GatewayConfig config = GatewayConfig.from(reader);
    if (config.secretKey() == null) {
      reader.problem(
          "LANES_SECRET_KEY: the gateway seals apps' secret envs with it, and release-service"
              + " opens them with the same key (generate one: openssl rand -base64 32)");
    }
    if (config.adminToken() == null) {
      // make run prints a generated key to its terminal; here stdout is a log: never print one
      reader.problem(
          "API_TOKEN: set the admin API key (e.g. from the Secret lanes-gateway-secrets); a gateway running"
              + " on its own does not generate one, as it would have to print it to its log");
    }
    ServiceEnv service = ServiceEnv.from(reader, env, ServiceEnv.Needs.DATABASE_AND_KAFKA);
    reader.done();

    ServiceRuntime runtime = ServiceRuntime.start(SERVICE, service, closer);
    Gateway.Started gateway =
        Gateway.deploy(
                runtime.vertx(),
                runtime.metrics().registry(),
                config,
                service.db(),
                runtime.kube(),
                runtime.messaging())
            .await(60, TimeUnit.SECONDS);
    runtime
        .vertx()
        .deployVerticle(
            new OutboxRelayVerticle(
                service.db(), runtime.messaging(), OutboxRelay.Settings.DEFAULT))
        .await(30, TimeUnit.SECONDS);
    LOG.info("{} listening on {}:{}", SERVICE, config.http().bindAddress(), gateway.port());
    return () -> {};
  }
}
