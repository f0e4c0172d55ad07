package dev.lanes.releases;

import dev.lanes.common.app.HealthEndpoints;
import dev.lanes.common.app.ServiceEnv;
import dev.lanes.common.app.ServiceProcess;
import dev.lanes.common.app.ServiceRuntime;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import dev.lanes.releases.app.ReleaseServiceConfig;
import dev.lanes.releases.app.ReleaseServiceVerticle;
import java.util.Map;

/**
 * release-service as its own process: consumes release commands from Kafka with the other replicas,
 * and follows rollouts and expires lanes while it holds the Lease {@code lanes-release-service}.
 * Needs {@code LANES_SECRET_KEY}, the gateway's, to write apps' secret envs into their Secrets.
 * Serves {@code /healthz}, {@code /readyz} and {@code /metrics} on {@code HTTP_PORT}.
 */
public final class ReleaseServiceMain {

  private static final String SERVICE = "release-service";

  private ReleaseServiceMain() {}

  public static void main(String[] args) {
    ServiceProcess.main(SERVICE, ReleaseServiceMain::start);
  }

  /**
   * Starts the service from {@code env}; {@code closer} stops it. Public for tests that run
   * several.
   */
  public static AutoCloseable start(Map<String, String> env, ServiceProcess.Closer closer)
      throws Exception {
    ConfigReader reader = new ConfigReader(env);
    ReleaseServiceConfig config = ReleaseServiceConfig.from(reader);
    if (config.secretKey() == null) {
      reader.problem(
          "LANES_SECRET_KEY: release-service needs the gateway's key to open apps' secret envs");
    }
    ServiceEnv service = ServiceEnv.from(reader, env, ServiceEnv.Needs.DATABASE_AND_KAFKA);
    HttpConfig http = HealthEndpoints.http(reader);
    reader.done();

    ServiceRuntime runtime = ServiceRuntime.start(SERVICE, service, closer);
    runtime.runWorker(
        new ReleaseServiceVerticle(
            config, runtime.workerDeps(service.db()), ReleaseServiceVerticle.Tuning.DEFAULT),
        http);
    return () -> {};
  }
}
