package dev.lanes.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Holds an answer until a resource reaches a state or the wait ends ({@code ?wait=}): it reads the
 * resource again every {@link #INTERVAL} and answers with what it last read.
 */
public final class StatusWaiter {

  static final Duration INTERVAL = Duration.ofMillis(200);

  private final Vertx vertx;

  public StatusWaiter(Vertx vertx) {
    this.vertx = vertx;
  }

  <T> Future<T> until(Supplier<Future<T>> read, Predicate<T> done, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    Promise<T> result = Promise.promise();
    poll(read, done, deadline, result);
    return result.future();
  }

  private <T> void poll(
      Supplier<Future<T>> read, Predicate<T> done, long deadline, Promise<T> result) {
    read.get()
        .onFailure(result::fail)
        .onSuccess(
            value -> {
              if (done.test(value) || System.nanoTime() >= deadline) {
                result.complete(value);
              } else {
                long delay =
                    Math.min(
                        INTERVAL.toMillis(),
                        Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                vertx.setTimer(delay, id -> poll(read, done, deadline, result));
              }
            });
  }
}
