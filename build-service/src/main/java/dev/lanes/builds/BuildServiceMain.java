package dev.lanes.builds;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.builds.app.BuildServiceVerticle;
import dev.lanes.common.app.HealthEndpoints;
import dev.lanes.common.app.ServiceEnv;
import dev.lanes.common.app.ServiceProcess;
import dev.lanes.common.app.ServiceRuntime;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import java.util.Map;

/**
 * build-service as its own process: consumes build commands from Kafka with the other replicas (one
 * consumer group), and turns Job status into build status while it holds the Lease {@code
 * lanes-build-service}. Serves {@code /healthz}, {@code /readyz} and {@code /metrics} on {@code
 * HTTP_PORT}.
 */
public final class BuildServiceMain {

  private static final String SERVICE = "build-service";

  private BuildServiceMain() {}

  public static void main(String[] args) {
    ServiceProcess.main(SERVICE, BuildServiceMain::start);
  }

  /**
   * Starts the service from {@code env}; {@code closer} stops it. Public for tests that run
   * several.
   */
  public static AutoCloseable start(Map<String, String> env, ServiceProcess.Closer closer)
      throws Exception {
    ConfigReader reader = new ConfigReader(env);
    BuildServiceConfig config = BuildServiceConfig.from(reader);
    if (config.secretKey() == null) {
      reader.problem(
          "LANES_SECRET_KEY: build-service needs the gateway's key to open image repos' git"
              + " credentials");
    }
    ServiceEnv service = ServiceEnv.from(reader, env, ServiceEnv.Needs.DATABASE_AND_KAFKA);
    HttpConfig http = HealthEndpoints.http(reader);
    reader.done();

    ServiceRuntime runtime = ServiceRuntime.start(SERVICE, service, closer);
    runtime.runWorker(
        new BuildServiceVerticle(
            config, runtime.workerDeps(service.db()), BuildServiceVerticle.Tuning.DEFAULT),
        http);
    return () -> {};
  }
}
