package dev.lanes.common.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a consumer puts the messages it gives up ({@link DeadLetter}). A transport moves past a
 * message only once its dead letter is recorded: until {@link #record} succeeds, the message is not
 * acknowledged (Kafka: its offset is not committed, the recording is retried).
 */
@FunctionalInterface
public interface DeadLetters {

  /** Counter of dead letters, tagged {@code channel}: {@code lanes_dead_letters_total}. */
  String METER = "lanes.dead.letters";

  Future<Void> record(DeadLetter letter);

  /** Only logs (every dead letter is logged anyway): for tests and processes without a database. */
  DeadLetters LOG_ONLY = letter -> Future.succeededFuture();

  /** Records into each of {@code sinks}, one after the other; fails if any fails. */
  static DeadLetters all(List<DeadLetters> sinks) {
    return letter -> {
      Future<Void> done = Future.succeededFuture();
      for (DeadLetters sink : sinks) {
        done = done.compose(v -> sink.record(letter));
      }
      return done;
    };
  }

  /**
   * Logs each dead letter, records it into {@code sink} and counts it in {@code registry} once
   * recorded.
   */
  static DeadLetters counted(MeterRegistry registry, DeadLetters sink) {
    Logger log = LoggerFactory.getLogger(DeadLetters.class);
    return letter -> {
      log.warn(
          "dead letter: {} gave up {} {} on {} (key {}) after {} attempt(s): {}: {}",
          letter.consumer(),
          letter.messageType(),
          letter.messageId(),
          letter.channel(),
          letter.key(),
          letter.attempts(),
          letter.errorClass(),
          letter.error());
      return sink.record(letter)
          .onSuccess(
              v ->
                  Counter.builder(METER)
                      .description("Messages a consumer gave up and recorded as dead letters")
                      .tag("channel", letter.channel())
                      .register(registry)
                      .increment());
    };
  }
}
