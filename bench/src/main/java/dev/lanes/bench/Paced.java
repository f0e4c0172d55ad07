package dev.lanes.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Sends requests at a steady rate, or all at once from a few clients, noting when each was sent.
 */
final class Paced {

  /** One request: sends the {@code i}-th and answers the id of what it created. */
  @FunctionalInterface
  interface Request {
    String send(int i) throws Exception;
  }

  private Paced() {}

  /**
   * {@code n} requests, one after the other at {@code perSecond} (0: back to back); the time each
   * was sent, by the id it answered.
   */
  static Map<String, Instant> atRate(int n, int perSecond, Request request) throws Exception {
    Map<String, Instant> sent = new ConcurrentHashMap<>();
    long begin = System.nanoTime();
    for (int i = 0; i < n; i++) {
      if (perSecond > 0) {
        long due = begin + i * 1_000_000_000L / perSecond;
        while (System.nanoTime() < due) {
          Thread.sleep(1);
        }
      }
      Instant t0 = Instant.now();
      sent.put(request.send(i), t0);
    }
    return sent;
  }

  /** {@code n} requests sent by {@code clients} threads at once; the time each was sent. */
  static Map<String, Instant> concurrently(int n, int clients, Request request) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      Map<String, Instant> sent = new ConcurrentHashMap<>();
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        all.add(
            pool.submit(
                () -> {
                  Instant t0 = Instant.now();
                  sent.put(request.send(k), t0);
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get();
      }
      return sent;
    } finally {
      pool.shutdown();
    }
  }
}
