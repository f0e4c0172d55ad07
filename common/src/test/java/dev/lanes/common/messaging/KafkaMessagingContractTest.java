package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanes.common.messaging.kafka.KafkaMessaging;
import dev.lanes.common.messaging.kafka.KafkaOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on Kafka (an in-process KRaft broker), and what only Kafka does: commands wait for a
 * consumer, failed messages come again in order, and outside consumers read plain CloudEvents.
 */
class KafkaMessagingContractTest extends MessagingContract {

  private static final AtomicInteger TESTS = new AtomicInteger();
  private static TestKafka kafka;
  private static KafkaProducer<String, String> rawProducer;
  private static Admin admin;
  private String prefix;

  @BeforeAll
  static void startBroker() {
    kafka = TestKafka.start();
    String servers = kafka.bootstrapServers();
    Properties producer = new Properties();
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    rawProducer = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    rawProducer.close();
    admin.close();
    kafka.close();
  }

  @Override
  Future<Messaging> newMessaging(Vertx vertx) {
    prefix = "t" + TESTS.incrementAndGet() + ".";
    return KafkaMessaging.start(vertx, options(prefix), recorder).map(m -> m);
  }

  /** Keys the default partitioner puts on {@code key}'s partition of the tests' 3. */
  @Override
  List<String> otherKeysSharingTheQueueOf(String key, int count) {
    int partition = partitionOf(key);
    List<String> keys = new ArrayList<>();
    for (int i = 0; keys.size() < count; i++) {
      String candidate = "app" + i;
      if (!candidate.equals(key) && partitionOf(candidate) == partition) {
        keys.add(candidate);
      }
    }
    return keys;
  }

  private static int partitionOf(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    return org.apache.kafka.common.utils.Utils.toPositive(
            org.apache.kafka.common.utils.Utils.murmur2(bytes))
        % 3;
  }

  private static KafkaOptions options(String prefix) {
    return new KafkaOptions(
        kafka.bootstrapServers(),
        prefix,
        3,
        (short) 1,
        "test",
        Duration.ofSeconds(10),
        FAST_RETRY,
        Duration.ofSeconds(20));
  }

  @Override
  Future<Void> sendMalformed(String channel, String key) {
    CompletableFuture<Void> sent =
        CompletableFuture.runAsync(
            () -> {
              try {
                rawProducer.send(new ProducerRecord<>(prefix + channel, key, "{not json")).get();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    return Future.fromCompletionStage(sent);
  }

  @Test
  void commandsSentWhileNoConsumerRunsAreHandledOnceOneStarts() {
    List<Future<Void>> sends = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      sends.add(messaging.send(Channels.BUILD_COMMANDS, command("web", i)));
    }
    done(Future.all(sends));
    Recorder recorder = new Recorder();

    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", recorder));

    await().atMost(WAIT).until(() -> recorder.messages.size() >= 5);
    assertThat(recorder.numbers()).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aFailedMessageComesAgainAndNothingBehindItOvertakesIt() {
    List<Integer> attempts = new CopyOnWriteArrayList<>();
    AtomicInteger failuresLeft = new AtomicInteger(3);
    done(
        messaging.consume(
            Channels.BUILD_COMMANDS,
            "build-service",
            m -> {
              int n = m.data().getInteger("n");
              attempts.add(n);
              if (n == 0 && failuresLeft.getAndDecrement() > 0) {
                return Future.failedFuture(new java.net.ConnectException("not yet"));
              }
              return Future.succeededFuture();
            }));

    for (int i = 0; i < 3; i++) {
      done(messaging.send(Channels.BUILD_COMMANDS, command("web", i)));
    }

    await().atMost(WAIT).until(() -> attempts.size() >= 6);
    assertThat(attempts).containsExactly(0, 0, 0, 0, 1, 2);
  }

  @Test
  void aMessageWhoseHandlerNeverFinishedGoesToAnotherMemberOfTheGroup() {
    List<Message> stuck = new CopyOnWriteArrayList<>();
    Subscription first =
        done(
            messaging.consume(
                Channels.BUILD_COMMANDS,
                "build-service",
                m -> {
                  stuck.add(m);
                  return Promise.<Void>promise().future();
                }));
    Message command = command("web", 7);
    done(messaging.send(Channels.BUILD_COMMANDS, command));
    await().atMost(WAIT).until(() -> !stuck.isEmpty());
    Recorder second = new Recorder();
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", second));

    done(first.cancel());

    await().atMost(WAIT).until(() -> !second.messages.isEmpty());
    assertThat(second.messages).containsExactly(command);
  }

  @Test
  void aSkippedMalformedRecordIsCommitted() {
    Recorder recorder = new Recorder();
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", recorder));

    done(sendMalformed(Channels.BUILD_COMMANDS, "web"));
    done(messaging.send(Channels.BUILD_COMMANDS, command("web", 1)));

    await().atMost(WAIT).until(() -> committed(prefix + "build-service") == 2);
    assertThat(recorder.numbers()).containsExactly(1);
  }

  @Test
  void aMalformedCommandIsCommittedAndProducedToTheDeadLetterTopic() {
    BuildHandler handler = new BuildHandler();
    done(messaging.consume(Channels.BUILD_COMMANDS, "build-service", handler));
    String good = java.util.UUID.randomUUID().toString();

    done(messaging.send(Channels.BUILD_COMMANDS, buildRequested("web", "not-a-uuid")));
    done(messaging.send(Channels.BUILD_COMMANDS, buildRequested("web", good)));

    await().atMost(WAIT).until(() -> committed(prefix + "build-service") == 2);
    assertThat(handler.handled).containsExactly("web/" + good);
    ConsumerRecord<String, byte[]> record = readFirst(prefix + Channels.DEAD_LETTERS);
    assertThat(record.key()).isEqualTo("web");
    JsonObject letter = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
    assertThat(letter.getString("consumer")).isEqualTo("build-service");
    assertThat(letter.getString("channel")).isEqualTo(Channels.BUILD_COMMANDS);
    assertThat(letter.getInteger("attempts")).isEqualTo(1);
    assertThat(letter.getJsonObject("error").getString("class"))
        .isEqualTo(MalformedMessage.class.getName());
    assertThat(letter.getJsonObject("error").getString("message")).contains("build_id");
    JsonObject original = letter.getJsonObject("record");
    assertThat(original.getString("topic")).isEqualTo(prefix + Channels.BUILD_COMMANDS);
    assertThat(original.getLong("offset")).isZero();
    assertThat(original.getString("key")).isEqualTo("web");
    assertThat(original.getJsonObject("headers").getString("ce_type"))
        .isEqualTo("dev.lanes.build.requested");
    assertThat(new JsonObject(original.getString("value")).getJsonObject("data"))
        .isEqualTo(new JsonObject().put("build_id", "not-a-uuid"));
  }

  @Test
  void anOutsideConsumerReadsCloudEventHeadersAndTheStructuredEvent() {
    Message event =
        new Message(
            "0b5f2f0e-1111-4c1e-9d1a-2a4f0c1d2e3f",
            "dev.lanes.build.status",
            "/lanes/build-service",
            "build-42",
            "web",
            java.time.Instant.parse("2026-11-25T10:15:30Z"),
            new JsonObject().put("status", "succeeded"));

    done(messaging.publish(Channels.EVENTS, event));

    ConsumerRecord<String, byte[]> record = readFirst(prefix + Channels.EVENTS);
    assertThat(record.key()).isEqualTo("web");
    assertThat(headers(record))
        .containsEntry("ce_specversion", "1.0")
        .containsEntry("ce_id", event.id())
        .containsEntry("ce_source", "/lanes/build-service")
        .containsEntry("ce_type", "dev.lanes.build.status")
        .containsEntry("ce_time", "2026-11-25T10:15:30Z")
        .containsEntry("ce_subject", "build-42")
        .containsEntry("content-type", "application/cloudevents+json");
    JsonObject value = new JsonObject(new String(record.value(), StandardCharsets.UTF_8));
    assertThat(value).isEqualTo(event.toCloudEvent());
    assertThat(value.getString("specversion")).isEqualTo("1.0");
    assertThat(value.getJsonObject("data").getString("status")).isEqualTo("succeeded");
  }

  @Test
  void theFactoryCreatesTheTopicsWithTheConfiguredPartitions() throws Exception {
    MessagingConfig config =
        new MessagingConfig(
            MessagingConfig.Transport.KAFKA,
            kafka.bootstrapServers(),
            2,
            (short) 1,
            "f" + TESTS.incrementAndGet() + ".");

    Messaging created = done(Transports.create(vertx, config, "test", Duration.ofSeconds(5)));

    try {
      assertThat(created).isInstanceOf(KafkaMessaging.class);
      List<String> topics =
          List.of(
                  Channels.BUILD_COMMANDS,
                  Channels.RELEASE_COMMANDS,
                  Channels.BUILD_REQUESTS,
                  Channels.RELEASE_REQUESTS,
                  Channels.REPLIES,
                  Channels.EVENTS,
                  Channels.DEAD_LETTERS)
              .stream()
              .map(c -> config.topicPrefix() + c)
              .toList();
      // a topic just created may not be in every broker's metadata yet: ask until it is
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get();
                assertThat(described).hasSize(7);
                assertThat(described.values())
                    .allSatisfy(d -> assertThat(d.partitions()).hasSize(2));
              });
    } finally {
      done(created.close());
    }
  }

  private long committed(String groupId) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
  }

  private static ConsumerRecord<String, byte[]> readFirst(String topic) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<String, byte[]>> read = new ArrayList<>();
      await()
          .atMost(WAIT)
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
                return !read.isEmpty();
              });
      return read.get(0);
    }
  }

  private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
    Map<String, String> headers = new HashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    return headers;
  }
}
