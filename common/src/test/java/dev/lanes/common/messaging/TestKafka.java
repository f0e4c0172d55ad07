package dev.lanes.common.messaging;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * An in-process KRaft broker (one combined broker and controller) for one test class: start it in
 * {@code @BeforeAll}, close it in {@code @AfterAll}. Tests isolate themselves with topic prefixes.
 */
final class TestKafka implements AutoCloseable {

  private final KafkaClusterTestKit cluster;

  private TestKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  static TestKafka start() {
    try {
      KafkaClusterTestKit kit =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              // the default cleaner buffer takes 128 MiB of heap
              .setConfigProp("log.cleaner.dedupe.buffer.size", "2097152")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("offsets.topic.num.partitions", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .build();
      kit.format();
      kit.startup();
      kit.waitForReadyBrokers();
      return new TestKafka(kit);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the test Kafka broker", e);
    }
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
