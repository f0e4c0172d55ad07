package dev.lanes.gateway.http;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Where a follower of a log stands. Kubernetes serves a log from {@code sinceTime}, a second at
 * most: a read again from the last line's second repeats the lines of that second. The cursor
 * remembers the last timestamp sent and how many lines carried it, and lets through only what is
 * new, in order.
 */
final class LogCursor {

  private Instant last;
  private int atLast;

  /** Where the next read should start, or {@code null} for the beginning. */
  Instant since() {
    return last;
  }

  /** The lines not sent yet, of {@code lines} read from {@link #since()}. */
  <T> List<T> next(List<T> lines, Function<T, Instant> time) {
    List<T> fresh = new ArrayList<>();
    int skip = atLast;
    Instant newest = last;
    int atNewest = atLast;
    for (T line : lines) {
      Instant t = time.apply(line);
      if (t != null && last != null) {
        if (t.isBefore(last)) {
          continue;
        }
        if (t.equals(last) && skip > 0) {
          skip--;
          continue;
        }
      }
      fresh.add(line);
      if (t != null) {
        if (t.equals(newest)) {
          atNewest++;
        } else {
          newest = t;
          atNewest = 1;
        }
      }
    }
    last = newest;
    atLast = atNewest;
    return fresh;
  }
}
