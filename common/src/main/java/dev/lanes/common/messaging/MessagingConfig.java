package dev.lanes.common.messaging;

import dev.lanes.common.config.ConfigException;
import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigReader;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which transport carries the commands and events, and for Kafka, where it is and how its topics
 * are made.
 *
 * @param transport the event bus of one JVM, or Kafka between processes
 * @param bootstrapServers {@code host:port[,host:port]} of the Kafka brokers; {@code null} with the
 *     event bus
 * @param partitions partitions of each topic Lanes creates
 * @param replicationFactor replicas of each partition of the topics Lanes creates
 * @param topicPrefix put before every topic and consumer group name, so that several Lanes
 *     installations can share one Kafka cluster; empty by default
 * @param retryLimit attempts a consumer gives a message that fails transiently before it gives it
 *     up as a dead letter ({@link RetryPolicy#limit()})
 */
public record MessagingConfig(
    Transport transport,
    String bootstrapServers,
    int partitions,
    short replicationFactor,
    String topicPrefix,
    int retryLimit) {

  public MessagingConfig(
      Transport transport,
      String bootstrapServers,
      int partitions,
      short replicationFactor,
      String topicPrefix) {
    this(
        transport,
        bootstrapServers,
        partitions,
        replicationFactor,
        topicPrefix,
        RetryPolicy.DEFAULT_LIMIT);
  }

  /** The transports {@link Transports#create} can build. */
  public enum Transport {
    /** The Vert.x event bus: every service in one JVM ({@code make run}). */
    LOCAL,
    /** Kafka: services in separate processes. */
    KAFKA;

    static Transport parse(String text) {
      return switch (text.trim().toLowerCase(Locale.ROOT)) {
        case "local" -> LOCAL;
        case "kafka" -> KAFKA;
        default ->
            throw new IllegalArgumentException("expected local or kafka, got '" + text + "'");
      };
    }
  }

  /** Kafka's legal topic characters; the prefix must keep every name legal. */
  private static final Pattern TOPIC_CHARS = Pattern.compile("[a-zA-Z0-9._-]*");

  public static final ConfigKey<Transport> LANES_MESSAGING =
      ConfigKey.of(
          "LANES_MESSAGING",
          "local",
          Transport::parse,
          "Transport of commands and events: local (the Vert.x event bus, all services in one"
              + " JVM) or kafka.");
  public static final ConfigKey<String> KAFKA_BOOTSTRAP_SERVERS =
      ConfigKey.string(
          "KAFKA_BOOTSTRAP_SERVERS",
          null,
          "Kafka brokers, host:port[,host:port]; required when LANES_MESSAGING=kafka.");
  public static final ConfigKey<Integer> KAFKA_PARTITIONS =
      ConfigKey.integer(
          "KAFKA_PARTITIONS", 6, 1, 10_000, "Partitions of each topic Lanes creates.");
  public static final ConfigKey<Integer> KAFKA_REPLICATION_FACTOR =
      ConfigKey.integer(
          "KAFKA_REPLICATION_FACTOR",
          1,
          1,
          Short.MAX_VALUE,
          "Replicas of each partition of the topics Lanes creates.");
  public static final ConfigKey<String> KAFKA_TOPIC_PREFIX =
      ConfigKey.string(
          "KAFKA_TOPIC_PREFIX",
          "",
          "Put before every topic and consumer group name, e.g. 'staging.'; empty by default.");

  public static final ConfigKey<Integer> MESSAGE_RETRY_LIMIT =
      ConfigKey.integer(
          "MESSAGE_RETRY_LIMIT",
          RetryPolicy.DEFAULT_LIMIT,
          1,
          1_000,
          "Attempts a consumer gives a command that fails transiently (200 ms between the first"
              + " two, doubling, at most 30 s) before it gives it up as a dead letter.");

  /** Every key this record reads, in the order docs/configuration.md lists them. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(
          LANES_MESSAGING,
          KAFKA_BOOTSTRAP_SERVERS,
          KAFKA_PARTITIONS,
          KAFKA_REPLICATION_FACTOR,
          KAFKA_TOPIC_PREFIX,
          MESSAGE_RETRY_LIMIT);

  /** The event bus, for tests and the all-in-one platform. */
  public static final MessagingConfig LOCAL_DEFAULT =
      new MessagingConfig(Transport.LOCAL, null, 6, (short) 1, "");

  /**
   * Reads the messaging keys; problems go to {@code reader}, which reports them all in {@link
   * ConfigReader#done()}.
   */
  public static MessagingConfig from(ConfigReader reader) {
    Transport transport = reader.get(LANES_MESSAGING);
    String servers = reader.get(KAFKA_BOOTSTRAP_SERVERS);
    Integer partitions = reader.get(KAFKA_PARTITIONS);
    Integer replicas = reader.get(KAFKA_REPLICATION_FACTOR);
    String prefix = reader.get(KAFKA_TOPIC_PREFIX);
    Integer retryLimit = reader.get(MESSAGE_RETRY_LIMIT);
    if (transport == Transport.KAFKA && servers == null) {
      reader.problem(
          "KAFKA_BOOTSTRAP_SERVERS: must be set when LANES_MESSAGING=kafka (Kafka brokers,"
              + " host:port[,host:port])");
    }
    if (prefix != null && !TOPIC_CHARS.matcher(prefix).matches()) {
      reader.problem(
          "KAFKA_TOPIC_PREFIX: may only hold letters, digits, '.', '_' and '-', got '"
              + prefix
              + "'");
    }
    return new MessagingConfig(
        transport == null ? Transport.LOCAL : transport,
        servers == null ? null : servers.trim(),
        partitions == null ? 6 : partitions,
        replicas == null ? 1 : replicas.shortValue(),
        prefix == null ? "" : prefix.trim(),
        retryLimit == null ? RetryPolicy.DEFAULT_LIMIT : retryLimit);
  }

  /**
   * Reads the messaging keys of {@code env} alone.
   *
   * @throws ConfigException naming every problem
   */
  public static MessagingConfig from(Map<String, String> env) {
    ConfigReader reader = new ConfigReader(env);
    MessagingConfig config = from(reader);
    reader.done();
    return config;
  }

  /** Kafka at {@code bootstrapServers} with the default topic settings. */
  public static MessagingConfig kafka(String bootstrapServers) {
    return new MessagingConfig(Transport.KAFKA, bootstrapServers, 6, (short) 1, "");
  }

  public MessagingConfig withTopicPrefix(String prefix) {
    return new MessagingConfig(
        transport, bootstrapServers, partitions, replicationFactor, prefix, retryLimit);
  }
}
