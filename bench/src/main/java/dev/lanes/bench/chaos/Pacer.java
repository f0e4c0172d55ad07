package dev.lanes.bench.chaos;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out the numbers of {@code total} commands to the clients, spread evenly over {@code over},
 * so that commands keep arriving for the whole run of kills and outages. A client that is late
 * (retrying through an outage) takes the next number at once.
 */
final class Pacer {

  private final int total;
  private final long intervalNanos;
  private final long begin = System.nanoTime();
  private final AtomicInteger next = new AtomicInteger();

  Pacer(int total, Duration over) {
    this.total = total;
    this.intervalNanos = over.toNanos() / Math.max(1, total);
  }

  /** The next command's number once it is due, or -1 when all were handed out. */
  int next() throws InterruptedException {
    int n = next.getAndIncrement();
    if (n >= total) {
      return -1;
    }
    long wait = begin + n * intervalNanos - System.nanoTime();
    if (wait > 0) {
      // pacing the sender, not waiting for async work
      Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
    }
    return n;
  }
}
