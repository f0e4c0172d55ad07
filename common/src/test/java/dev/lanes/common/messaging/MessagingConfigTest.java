package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagingConfigTest {

  @Test
  void theEventBusIsTheDefault() {
    MessagingConfig config = MessagingConfig.from(Map.of());

    assertThat(config).isEqualTo(MessagingConfig.LOCAL_DEFAULT);
  }

  @Test
  void readsEveryKafkaSetting() {
    MessagingConfig config =
        MessagingConfig.from(
            Map.of(
                "LANES_MESSAGING", "Kafka",
                "KAFKA_BOOTSTRAP_SERVERS", " k1:9092,k2:9092 ",
                "KAFKA_PARTITIONS", "12",
                "KAFKA_REPLICATION_FACTOR", "3",
                "KAFKA_TOPIC_PREFIX", "staging."));

    assertThat(config)
        .isEqualTo(
            new MessagingConfig(
                MessagingConfig.Transport.KAFKA, "k1:9092,k2:9092", 12, (short) 3, "staging."));
  }

  @Test
  void kafkaWithoutBootstrapServersIsAConfigError() {
    assertThatThrownBy(() -> MessagingConfig.from(Map.of("LANES_MESSAGING", "kafka")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS: must be set when LANES_MESSAGING=kafka");
  }

  @Test
  void reportsEveryBadValueAtOnce() {
    assertThatThrownBy(
            () ->
                MessagingConfig.from(
                    Map.of(
                        "LANES_MESSAGING", "rabbit",
                        "KAFKA_PARTITIONS", "0",
                        "KAFKA_TOPIC_PREFIX", "a/b")))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e ->
                assertThat(e.problems())
                    .anyMatch(p -> p.startsWith("LANES_MESSAGING: expected local or kafka"))
                    .anyMatch(p -> p.startsWith("KAFKA_PARTITIONS:"))
                    .anyMatch(p -> p.startsWith("KAFKA_TOPIC_PREFIX:")));
  }
}
