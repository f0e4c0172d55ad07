package dev.lanes.common.messaging.kafka;

import dev.lanes.common.messaging.Channels;
import dev.lanes.common.messaging.DeadLetter;
import dev.lanes.common.messaging.DeadLetters;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.messaging.MessageHandler;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.Subscription;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Messaging} on Kafka, for services in separate processes. One topic per channel (with the
 * configured prefix); a record's key is the message's partition key, so one app's messages stay in
 * order; its value is the structured-mode CloudEvents JSON, with {@code ce_} headers (see {@link
 * CloudEventRecords}).
 *
 * <ul>
 *   <li>{@link #send} and {@link #publish} succeed once every in-sync replica has the record
 *       (idempotent producer, {@code acks=all}), and fail after {@link KafkaOptions#sendTimeout()}.
 *   <li>{@link #consume} joins consumer group {@code group}: each command reaches one member, per
 *       partition in order and one at a time, at least once (offsets are committed after the
 *       handler succeeded, or after the message was given up as a dead letter: a permanent failure
 *       at once, a transient one after the retry policy's last attempt). A new group starts at the
 *       earliest record, so commands sent while no consumer ran are handled once one starts.
 *   <li>{@link #subscribe} receives every event published after its future succeeded.
 * </ul>
 *
 * <p>Handlers run on the Vert.x context that called {@code consume} or {@code subscribe} (a new
 * event-loop context when called from elsewhere) and must not block.
 */
public final class KafkaMessaging implements Messaging {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaMessaging.class);
  private static final List<String> CHANNELS =
      List.of(
          Channels.BUILD_COMMANDS,
          Channels.RELEASE_COMMANDS,
          Channels.BUILD_REQUESTS,
          Channels.RELEASE_REQUESTS,
          Channels.REPLIES,
          Channels.EVENTS,
          Channels.DEAD_LETTERS);
  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final Vertx vertx;
  private final KafkaOptions options;
  private final KafkaWriteStream<String, byte[]> producer;
  private final KafkaAdminClient admin;
  private final Map<String, Future<Void>> topics = new ConcurrentHashMap<>();
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final DeadLetters deadLetters;

  private KafkaMessaging(Vertx vertx, KafkaOptions options, DeadLetters deadLetters) {
    this.vertx = vertx;
    this.options = options;
    this.producer =
        KafkaWriteStream.create(
            vertx, producerConfig(options), new StringSerializer(), new ByteArraySerializer());
    this.admin = KafkaAdminClient.create(vertx, adminConfig(options));
    // the topic first: a dead letter the table has is on the topic too
    this.deadLetters = DeadLetters.all(List.of(this::produceDeadLetter, deadLetters));
  }

  /** Dead letters go to the topic {@link Channels#DEAD_LETTERS} only. */
  public static Future<KafkaMessaging> start(Vertx vertx, KafkaOptions options) {
    return start(vertx, options, DeadLetters.LOG_ONLY);
  }

  /**
   * Connects to Kafka and creates the topics of {@link Channels} that do not exist yet; succeeds
   * once they exist.
   *
   * @param deadLetters where given-up messages are recorded besides the topic {@link
   *     Channels#DEAD_LETTERS} (the table {@code dead_letters})
   */
  public static Future<KafkaMessaging> start(
      Vertx vertx, KafkaOptions options, DeadLetters deadLetters) {
    KafkaMessaging messaging = new KafkaMessaging(vertx, options, deadLetters);
    List<Future<Void>> created = CHANNELS.stream().map(messaging::topicFor).toList();
    return Future.all(created)
        .map(messaging)
        .recover(e -> messaging.close().transform(v -> Future.failedFuture(e)));
  }

  @Override
  public Future<Void> send(String channel, Message command) {
    return produce(channel, command);
  }

  @Override
  public Future<Void> publish(String channel, Message event) {
    return produce(channel, event);
  }

  @Override
  public Future<Subscription> consume(String channel, String group, MessageHandler handler) {
    Context caller = vertx.getOrCreateContext();
    String topic = options.topic(channel);
    String groupId = options.groupId(group);
    return topicFor(channel)
        .compose(
            v ->
                startOn(
                    caller,
                    () ->
                        KafkaReceiver.member(
                            consumer(groupConfig(groupId)),
                            topic,
                            groupId,
                            handler,
                            options,
                            new KafkaReceiver.Sink(channel, group, deadLetters))));
  }

  /**
   * Every subscription reads all partitions from their end at the time it starts, outside any
   * consumer group. A group per subscription with {@code auto.offset.reset=latest} would miss the
   * events published between the subscription's start and its first assignment, and leave one
   * abandoned group behind per restart; an assignment needs no rebalance, and its positions are
   * fixed before the subscription is returned. (Partitions added to the topic later are not read
   * until the subscriber starts again; Lanes never adds any.)
   */
  @Override
  public Future<Subscription> subscribe(String channel, MessageHandler handler) {
    Context caller = vertx.getOrCreateContext();
    String topic = options.topic(channel);
    return topicFor(channel)
        .compose(
            v ->
                startOn(
                    caller,
                    () ->
                        KafkaReceiver.fromEnd(
                            consumer(subscriberConfig()),
                            topic,
                            handler,
                            options,
                            new KafkaReceiver.Sink(channel, DeadLetter.SUBSCRIBER, deadLetters))));
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> cancelled = subscriptions.stream().map(Subscription::cancel).toList();
    return Future.join(cancelled)
        .transform(v -> producer.close(options.sendTimeout().toMillis()))
        .transform(v -> admin.close())
        .mapEmpty();
  }

  private Future<Void> produce(String channel, Message message) {
    String topic = options.topic(channel);
    Future<Void> ready = topicFor(channel);
    if (ready.succeeded()) {
      // the usual case; sending at once keeps the caller's order without a hop between contexts
      return producer.send(CloudEventRecords.toRecord(topic, message)).mapEmpty();
    }
    return ready.compose(v -> producer.send(CloudEventRecords.toRecord(topic, message))).mapEmpty();
  }

  private Future<Void> produceDeadLetter(DeadLetter letter) {
    String topic = options.topic(Channels.DEAD_LETTERS);
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        CloudEventRecords.CONTENT_TYPE, "application/json".getBytes(StandardCharsets.UTF_8));
    byte[] value = letter.toJson().toBuffer().getBytes();
    return topicFor(Channels.DEAD_LETTERS)
        .compose(
            v -> producer.send(new ProducerRecord<>(topic, null, letter.key(), value, headers)))
        .mapEmpty();
  }

  /** Creates the topic of {@code channel} once per process; a failed creation is tried again. */
  private Future<Void> topicFor(String channel) {
    String topic = options.topic(channel);
    Future<Void> created = topics.computeIfAbsent(topic, this::createTopic);
    created.onFailure(e -> topics.remove(topic, created));
    return created;
  }

  private Future<Void> createTopic(String topic) {
    NewTopic spec = new NewTopic(topic, options.partitions(), options.replicationFactor());
    return admin
        .createTopics(List.of(spec))
        .recover(e -> exists(e) ? Future.succeededFuture() : Future.failedFuture(e))
        .onSuccess(v -> LOG.debug("topic {} is ready", topic));
  }

  private static boolean exists(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TopicExistsException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Starts a receiver on {@code context}: its consumer delivers there, so the handler runs on the
   * caller's context.
   */
  private Future<Subscription> startOn(Context context, Supplier<Future<KafkaReceiver>> start) {
    Promise<KafkaReceiver> started = Promise.promise();
    context.runOnContext(
        v -> {
          try {
            start.get().onComplete(started);
          } catch (RuntimeException e) {
            // a consumer that cannot even be created, e.g. an unresolvable bootstrap server
            started.fail(e);
          }
        });
    return started.future().map(this::tracked);
  }

  /** Remembers a receiver until it is cancelled, so that {@link #close()} can stop it. */
  private Subscription tracked(KafkaReceiver receiver) {
    Subscription subscription =
        new Subscription() {
          @Override
          public Future<Void> cancel() {
            subscriptions.remove(this);
            return receiver.cancel();
          }
        };
    subscriptions.add(subscription);
    return subscription;
  }

  private KafkaReadStream<String, byte[]> consumer(Map<String, Object> config) {
    return KafkaReadStream.create(
        vertx, config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private Map<String, Object> groupConfig(String groupId) {
    Map<String, Object> config = consumerConfig(groupId);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // a new group reads what was sent before it first started: commands wait for a consumer
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A replica that died without leaving (SIGKILL, OOM) holds its partitions until its session
    // times out, and a replica joining meanwhile waits for that: with Kafka's 45 s a restarted
    // replica missed its start timeout (30 s) and exited. 10 s, heartbeats every 3 s.
    config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
    return config;
  }

  private Map<String, Object> subscriberConfig() {
    Map<String, Object> config = consumerConfig("events");
    // used only when a fixed position has gone (retention): go on with what is new
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    return config;
  }

  private Map<String, Object> consumerConfig(String role) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId(role));
    // offsets are committed by KafkaReceiver after the handler succeeded, never before
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, KafkaReceiver.MAX_WAITING);
    return config;
  }

  private static Map<String, Object> producerConfig(KafkaOptions options) {
    long deliveryMs = Math.max(options.sendTimeout().toMillis(), 1_000);
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, options.clientId() + "-producer-" + next());
    // a record is acknowledged once every in-sync replica has it, and retries never reorder or
    // duplicate records within a partition
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryMs);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deliveryMs / 2));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, deliveryMs);
    return config;
  }

  private static Map<String, String> adminConfig(KafkaOptions options) {
    long timeoutMs = options.startTimeout().toMillis();
    Map<String, String> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, options.clientId() + "-admin-" + next());
    config.put(
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(30_000, timeoutMs)));
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeoutMs));
    return config;
  }

  /** Client ids are unique per process: Kafka registers one JMX bean per client id. */
  private String clientId(String role) {
    return options.clientId() + "-" + role + "-" + next();
  }

  private static int next() {
    return CLIENTS.incrementAndGet();
  }
}
