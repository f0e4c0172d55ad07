package dev.lanes.bench;

import dev.lanes.builds.BuildServiceMain;
import dev.lanes.common.app.ServiceProcess;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.gateway.GatewayMain;
import dev.lanes.platform.EmbeddedDatabase;
import dev.lanes.releases.ReleaseServiceMain;
import dev.lanes.sandbox.SandboxCluster;
import dev.lanes.sandbox.kafka.StandaloneKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

/**
 * The services as separate processes run them, but in this JVM: each started by its own main with
 * its own Vert.x, cluster client and Kafka clients, talking through a one-node Kafka, beside an
 * embedded PostgreSQL and the sandbox cluster. api-gateway, and build-service and release-service
 * with as many replicas as asked; registry-service is left out, as no command goes through it.
 */
final class KafkaServices implements AutoCloseable {

  static final String BUILD_GROUP = "build-service";
  static final String RELEASE_GROUP = "release-service";

  final SandboxCluster sandbox;
  final int apiPort;
  final int dbPort;
  private final EmbeddedDatabase db;
  private final StandaloneKafka kafka;
  private final Map<String, String> env;
  private final List<ServiceProcess.Closer> running = new ArrayList<>();
  private int replicas;

  private KafkaServices(
      EmbeddedDatabase db, StandaloneKafka kafka, SandboxCluster sandbox, Map<String, String> env)
      throws IOException {
    this.db = db;
    this.kafka = kafka;
    this.sandbox = sandbox;
    this.env = env;
    this.dbPort = db.port();
    this.apiPort = freePort();
  }

  /**
   * Starts PostgreSQL, Kafka and the sandbox (its kubelet at {@code step}) in {@code dir}, then the
   * gateway and one replica of each worker service, all with {@code extra} in their environment.
   */
  static KafkaServices start(Path dir, Duration step, Map<String, String> extra) throws Exception {
    EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("postgres"));
    StandaloneKafka kafka = null;
    SandboxCluster sandbox = null;
    try {
      kafka = StandaloneKafka.start(new StandaloneKafka.Settings(freePort(), dir.resolve("kafka")));
      Path kubeconfig = dir.resolve("kubeconfig");
      sandbox = SandboxCluster.start(new SandboxCluster.Options(0, kubeconfig, step));
      Map<String, String> env = new HashMap<>(extra);
      env.put("DATABASE_URL", "postgres://postgres@127.0.0.1:" + db.port() + "/postgres");
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("LANES_MESSAGING", "kafka");
      env.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
      env.put("LANES_SECRET_KEY", SecretBox.newKey());
      env.put("API_TOKEN", BenchPlatform.KEY);
      env.put("LANES_NAMESPACE", "lanes");
      env.put("LEADER_LEASE_DURATION", "3s");
      env.put("LANES_ALLOW_LOCAL_GIT", "true");
      env.put("BIND_ADDRESS", "127.0.0.1");
      KafkaServices services = new KafkaServices(db, kafka, sandbox, env);
      try {
        services.start(GatewayMain::start, Map.of("HTTP_PORT", Integer.toString(services.apiPort)));
        services.addReplicas();
        return services;
      } catch (Exception | Error e) {
        services.stopServices();
        throw e;
      }
    } catch (Exception | Error e) {
      if (sandbox != null) {
        sandbox.close();
      }
      if (kafka != null) {
        kafka.close();
      }
      db.close();
      throw e;
    }
  }

  /** One more replica of build-service and of release-service. */
  void addReplicas() throws Exception {
    replicas++;
    start(
        BuildServiceMain::start,
        Map.of("HTTP_PORT", Integer.toString(freePort()), "POD_NAME", "build-service-" + replicas));
    start(
        ReleaseServiceMain::start,
        Map.of(
            "HTTP_PORT", Integer.toString(freePort()), "POD_NAME", "release-service-" + replicas));
  }

  /**
   * Stops the replica of build-service and of release-service started last (never the first, which
   * holds the Leases).
   */
  void removeReplicas() {
    if (replicas < 2) {
      throw new IllegalStateException("the first replicas stay");
    }
    for (int i = 0; i < 2; i++) {
      running.remove(running.size() - 1).close();
    }
    replicas--;
  }

  /**
   * Waits until {@code members} members of consumer group {@code group} each have partitions: the
   * rebalance after a replica joined is over.
   */
  void awaitGroup(String group, int members, Duration timeout) throws Exception {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        ConsumerGroupDescription d =
            admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get();
        long assigned =
            d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
        if (assigned == members && d.members().size() == members) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              group + ": " + assigned + " of " + members + " members have partitions: " + d);
        }
        Thread.sleep(200);
      }
    }
  }

  private void start(ServiceProcess.Start main, Map<String, String> own) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(own);
    ServiceProcess.Closer closer = new ServiceProcess.Closer();
    running.add(closer);
    AutoCloseable service = main.start(all, closer);
    closer.add(service, service::close);
  }

  private void stopServices() {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    running.clear();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops the services (the last started first), then Kafka, the sandbox and PostgreSQL. */
  @Override
  public void close() throws Exception {
    stopServices();
    kafka.close();
    sandbox.close();
    db.close();
  }
}
