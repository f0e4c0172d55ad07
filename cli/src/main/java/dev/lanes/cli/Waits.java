package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * {@code --wait} on the POSTs that take {@code ?wait=} (builds, releases): the server holds its
 * answer until the resource reaches a final status, at most five minutes; a longer wait goes on by
 * reading the resource every second.
 */
final class Waits {

  /** What the API holds an answer for at most. */
  static final Duration SERVER_MAX = Duration.ofMinutes(5);

  private static final Duration POLL = Duration.ofSeconds(1);

  private Waits() {}

  /** The {@code ?wait=} of a request that waits {@code wait} in all. */
  static String query(Duration wait) {
    return "?wait=" + Math.min(wait.toSeconds(), SERVER_MAX.toSeconds()) + "s";
  }

  /** How long a client waits for an answer held {@code wait}. */
  static Duration answerTimeout(Duration wait) {
    return (wait.compareTo(SERVER_MAX) > 0 ? SERVER_MAX : wait).plusSeconds(30);
  }

  /**
   * {@code now}, or the resource at {@code path} read again every second, until its {@code status}
   * is one of {@code terminal} or {@code deadline} passes; answers it as it was last read.
   */
  static JsonNode until(
      ApiClient api, String path, JsonNode now, Set<String> terminal, Instant deadline) {
    return until(api, path, now, terminal, deadline, "it goes on on the platform");
  }

  /** As {@link #until(ApiClient, String, JsonNode, Set, Instant)}; Ctrl-C says {@code goesOn}. */
  static JsonNode until(
      ApiClient api,
      String path,
      JsonNode now,
      Set<String> terminal,
      Instant deadline,
      String goesOn) {
    JsonNode last = now;
    while (!terminal.contains(last.path("status").asText()) && Instant.now().isBefore(deadline)) {
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException(Interruption.EXIT, "interrupted; " + goesOn);
      }
      last = api.get(path);
    }
    return last;
  }
}
