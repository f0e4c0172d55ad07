package dev.lanes.bench.chaos;

import dev.lanes.bench.chaos.Supervisor.Ready;
import dev.lanes.bench.chaos.Supervisor.Spec;
import dev.lanes.common.crypto.SecretBox;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of {@code bin/run-distributed}, with the same main classes, arguments and
 * environment: PostgreSQL, Kafka and the sandbox cluster, then api-gateway, registry-service, two
 * build-service replicas and release-service. PostgreSQL and Kafka keep their port and data
 * directory across restarts, so the services reconnect to them.
 */
final class DistributedLanes implements AutoCloseable {

  static final String POSTGRES = "postgres";
  static final String KAFKA = "kafka";
  static final String GATEWAY = "api-gateway";

  /** The processes a chaos run kills: the gateway and the workers. */
  static final List<String> SERVICES =
      List.of(GATEWAY, "registry-service", "build-service-1", "build-service-2", "release-service");

  final String key = "chaos-admin-key-0123456789";
  final int apiPort;
  final int pgPort;
  final Path kubeconfig;
  final Supervisor supervisor;
  private final Path dir;
  private final int kafkaPort;
  private final Map<String, String> extraEnv;

  DistributedLanes(Path dir, String platformJar, Map<String, String> extraEnv) throws IOException {
    this.dir = dir;
    this.extraEnv = extraEnv;
    this.supervisor = new Supervisor(dir.resolve("logs"), platformJar);
    this.apiPort = freePort();
    this.pgPort = freePort();
    this.kafkaPort = freePort();
    this.kubeconfig = dir.resolve("kubeconfig");
  }

  /** Starts everything in bin/run-distributed's order, each once the one before is ready. */
  void start() throws IOException {
    supervisor.start(postgres());
    supervisor.start(kafka());
    supervisor.start(
        new Spec(
            "sandbox",
            "dev.lanes.platform.distributed.SandboxMain",
            List.of("0", kubeconfig.toString()),
            extraEnv,
            Ready.logged("Sandbox cluster listening")));
    Map<String, String> env = serviceEnv();
    supervisor.start(service(GATEWAY, "dev.lanes.gateway.GatewayMain", env, apiPort, "HTTP_PORT"));
    supervisor.start(
        service(
            "registry-service",
            "dev.lanes.registry.RegistryServiceMain",
            env,
            freePort(),
            "REGISTRY_HTTP_PORT"));
    for (String replica : List.of("build-service-1", "build-service-2")) {
      supervisor.start(
          service(replica, "dev.lanes.builds.BuildServiceMain", env, freePort(), "HTTP_PORT"));
    }
    supervisor.start(
        service(
            "release-service",
            "dev.lanes.releases.ReleaseServiceMain",
            env,
            freePort(),
            "HTTP_PORT"));
  }

  String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
  }

  private Spec postgres() {
    return new Spec(
        POSTGRES,
        "dev.lanes.platform.distributed.DatabaseMain",
        List.of(dir.resolve("postgres").toString(), Integer.toString(pgPort)),
        Map.of(),
        Ready.logged("DATABASE_URL="));
  }

  private Spec kafka() {
    return new Spec(
        KAFKA,
        "dev.lanes.sandbox.kafka.StandaloneKafka",
        List.of(
            "--port", Integer.toString(kafkaPort), "--data-dir", dir.resolve("kafka").toString()),
        Map.of(),
        Ready.logged("Kafka listening"));
  }

  private Map<String, String> serviceEnv() {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("DATABASE_URL", "postgres://postgres@127.0.0.1:" + pgPort + "/postgres");
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("LANES_MESSAGING", "kafka");
    env.put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + kafkaPort);
    env.put("LANES_SECRET_KEY", SecretBox.newKey());
    env.put("API_TOKEN", key);
    env.put("LANES_NAMESPACE", "lanes");
    env.put("LANES_ALLOW_LOCAL_GIT", "true");
    // only loopback: the driver talks to nothing else
    env.put("BIND_ADDRESS", "127.0.0.1");
    return env;
  }

  private static Spec service(
      String name, String mainClass, Map<String, String> env, int port, String portVariable) {
    Map<String, String> own = new HashMap<>(env);
    own.put(portVariable, Integer.toString(port));
    own.put("POD_NAME", name);
    return new Spec(name, mainClass, List.of(), own, Ready.http(port));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    supervisor.close();
  }
}
