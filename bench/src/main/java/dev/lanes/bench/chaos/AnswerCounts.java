package dev.lanes.bench.chaos;

import dev.lanes.bench.chaos.Api.Answer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The answers the clients got to their commands, by status; 503s without Retry-After apart. */
final class AnswerCounts {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  void count(Answer a) {
    String key = Integer.toString(a.status());
    if (a.status() == 503 && a.retryAfter() == null) {
      key = "503 without Retry-After";
    } else if (a.status() >= 400) {
      key = a.status() + " " + a.code();
    }
    add(key);
  }

  void notConnected() {
    add("no connection");
  }

  void unanswered() {
    add("no answer");
  }

  /** Answers that must never happen: 5xx other than 503, and 503 without Retry-After. */
  long bad() {
    return counts.entrySet().stream()
        .filter(e -> bad(e.getKey()))
        .mapToLong(e -> e.getValue().sum())
        .sum();
  }

  private static boolean bad(String key) {
    return key.startsWith("503 without") || (key.startsWith("5") && !key.startsWith("503"));
  }

  private void add(String key) {
    counts.computeIfAbsent(key, k -> new LongAdder()).increment();
  }

  @Override
  public String toString() {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted.toString();
  }
}
