package dev.lanes.release;

import dev.lanes.common.app.HealthEndpoints;
import dev.lanes.common.app.ServiceEnv;
import dev.lanes.common.app.ServiceProcess;
import dev.lanes.common.app.ServiceRuntime;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.HttpConfig;
import dev.lanes.release.app.ReleaseServiceConfig;
import dev.lanes.release.app.ReleaseServiceVerticle;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * release-service as its own process: consumes release commands from Kafka with the other replicas,
 * and follows rollouts and expires lanes while it holds the Lease {@code lanes-release-service}.
 * Needs {@code LANES_SECRET_KEY}, the gateway's, to write apps' secret envs into their Secrets.
 * Serves {@code /healthz}, {@code /readyz} and {@code /metrics} on {@code HTTP_PORT}.
 */
public final class ReleaseServiceMain {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseServiceMain.class);
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
    HttpConfig http =
        new HttpConfig(reader.get(HttpConfig.BIND_ADDRESS), reader.get(HealthEndpoints.HTTP_PORT));
    reader.done();

    ServiceRuntime runtime = ServiceRuntime.start(SERVICE, service, closer);
    AtomicBoolean started = new AtomicBoolean();
    var server =
        HealthEndpoints.serve(
                runtime.vertx(),
                http,
                runtime.metrics().registry(),
                () -> started.get() ? null : "starting")
            .await(30, TimeUnit.SECONDS);
    runtime
        .vertx()
        .deployVerticle(
            new ReleaseServiceVerticle(
                config,
                service.db(),
                runtime.kube(),
                runtime.messaging(),
                ReleaseServiceVerticle.Tuning.DEFAULT,
                runtime.leadership()))
        .await(60, TimeUnit.SECONDS);
    started.set(true);
    LOG.info(
        "{} {} ready: health on {}:{}, Lease lanes-{} in {}",
        SERVICE,
        service.leader().identity(),
        http.bindAddress(),
        server.actualPort(),
        SERVICE,
        service.leader().namespace());
    return () -> {};
  }
}
