package dev.lanes.sandbox.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StandaloneKafkaTest {

  @Test
  void argumentsWinOverTheEnvironmentAndDefaultsFillTheRest() {
    assertThat(StandaloneKafka.Settings.from(new String[0], Map.of()))
        .isEqualTo(new StandaloneKafka.Settings(9092, Path.of(".lanes", "kafka")));
    assertThat(
            StandaloneKafka.Settings.from(
                new String[] {"--port", "19092", "--data-dir=/tmp/k"},
                Map.of("KAFKA_PORT", "29092", "KAFKA_DATA_DIR", "/elsewhere")))
        .isEqualTo(new StandaloneKafka.Settings(19092, Path.of("/tmp/k")));
    assertThat(StandaloneKafka.Settings.from(new String[0], Map.of("KAFKA_PORT", "29092")).port())
        .isEqualTo(29092);
    assertThatThrownBy(() -> StandaloneKafka.Settings.from(new String[] {"--port", "0"}, Map.of()))
        .hasMessageContaining("port");
    assertThatThrownBy(() -> StandaloneKafka.Settings.from(new String[] {"--size", "1"}, Map.of()))
        .hasMessageContaining("unknown argument --size");
  }

  @Test
  void servesClientsAndKeepsRecordsAcrossARestart(@TempDir Path dir) throws Exception {
    StandaloneKafka.Settings settings = new StandaloneKafka.Settings(freePort(), dir);

    try (StandaloneKafka kafka = StandaloneKafka.start(settings)) {
      produce(kafka.bootstrapServers(), "kept");
    }
    try (StandaloneKafka kafka = StandaloneKafka.start(settings)) {
      assertThat(readAll(kafka.bootstrapServers())).containsExactly("kept");
    }
  }

  private static void produce(String servers, String value) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                servers,
                ProducerConfig.ACKS_CONFIG,
                "all"),
            new StringSerializer(),
            new StringSerializer())) {
      producer.send(new ProducerRecord<>("t", "k", value)).get();
    }
  }

  private static List<String> readAll(String servers) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor("t").stream()
              .map(p -> new TopicPartition("t", p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<String> values = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInSameThread()
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                  values.add(r.value());
                }
                return !values.isEmpty();
              });
      return values;
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }
}
