package dev.lanes.sandbox.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A one-node Kafka (KRaft, broker and controller in one process) for {@code make run-distributed}:
 * development only, no security, replication factor 1. Formats its data directory on first start
 * and keeps its topics and offsets across restarts.
 *
 * <pre>
 * java -cp ... dev.lanes.sandbox.kafka.StandaloneKafka [--port 9092] [--data-dir .lanes/kafka]
 * </pre>
 *
 * Environment: {@code KAFKA_PORT}, {@code KAFKA_DATA_DIR}; arguments win. Prints {@code Kafka
 * listening on 127.0.0.1:<port>} once clients can use it; stops cleanly on SIGTERM or Ctrl-C.
 */
public final class StandaloneKafka implements AutoCloseable {

  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";

  /** Where it listens and keeps its data. */
  public record Settings(int port, Path dataDir) {

    public static final int DEFAULT_PORT = 9092;
    public static final Path DEFAULT_DATA_DIR = Path.of(".lanes", "kafka");

    /**
     * @throws IllegalArgumentException naming the argument or variable that is wrong
     */
    public static Settings from(String[] args, Map<String, String> env) {
      String port = env.getOrDefault("KAFKA_PORT", Integer.toString(DEFAULT_PORT));
      String dir = env.getOrDefault("KAFKA_DATA_DIR", DEFAULT_DATA_DIR.toString());
      for (int i = 0; i < args.length; i++) {
        String[] pair = args[i].split("=", 2);
        String value = pair.length == 2 ? pair[1] : i + 1 < args.length ? args[++i] : null;
        if (value == null) {
          throw new IllegalArgumentException(pair[0] + " needs a value");
        }
        switch (pair[0]) {
          case "--port" -> port = value;
          case "--data-dir" -> dir = value;
          default ->
              throw new IllegalArgumentException(
                  "unknown argument " + pair[0] + "; expected --port N or --data-dir PATH");
        }
      }
      return new Settings(parsePort(port), Path.of(dir));
    }

    private static int parsePort(String text) {
      try {
        int port = Integer.parseInt(text.trim());
        if (port < 1 || port > 65535) {
          throw new NumberFormatException();
        }
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("port: expected 1..65535, got '" + text + "'");
      }
    }
  }

  private final KafkaRaftServer server;
  private final int port;

  private StandaloneKafka(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  public static void main(String[] args) throws Exception {
    Settings settings;
    try {
      settings = Settings.from(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("StandaloneKafka: " + e.getMessage());
      System.exit(2);
      return;
    }
    StandaloneKafka kafka = start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "kafka-shutdown"));
    System.out.println("Kafka listening on " + kafka.bootstrapServers());
    kafka.server.awaitShutdown();
  }

  /** Formats {@code settings.dataDir()} if needed, starts the node, and waits until it serves. */
  public static StandaloneKafka start(Settings settings) throws Exception {
    Path logDir = settings.dataDir().toAbsolutePath().resolve("logs");
    Files.createDirectories(logDir);
    KafkaConfig config = new KafkaConfig(properties(settings.port(), freePort(), logDir), false);
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      format(logDir);
    }
    KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
    server.startup();
    StandaloneKafka kafka = new StandaloneKafka(server, settings.port());
    kafka.awaitServing();
    return kafka;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }

  private static Properties properties(int port, int controllerPort, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    // a static quorum: its port is not part of the formatted data, so it may change per start
    p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    // one node: every internal topic has one replica
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "10");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("num.partitions", "6");
    // a consumer group starts at once instead of waiting 3 s for more members
    p.put("group.initial.rebalance.delay.ms", "0");
    // the default takes 128 MiB of heap; a small heap then dies of OutOfMemoryError
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    return p;
  }

  private static void format(Path logDir) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(NODE_ID)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir.toString()))
        .setMetadataLogDirectory(logDir.toString())
        .setControllerListenerName(CONTROLLER_LISTENER)
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
  }

  /** The broker answers metadata requests: clients can use it. */
  private void awaitServing() throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG,
                "standalone-kafka-ready-check"))) {
      admin.describeCluster().nodes().get(60, TimeUnit.SECONDS);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port for the controller", e);
    }
  }
}
