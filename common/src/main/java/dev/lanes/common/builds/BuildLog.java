package dev.lanes.common.builds;

import java.nio.charset.StandardCharsets;

/**
 * A build's log as it is kept in Postgres: the last {@link #MAX_BYTES} of it, so logs still answer
 * after the Job's TTL removed the pod.
 */
public record BuildLog(String text, boolean truncated) {

  public static final int MAX_BYTES = 1024 * 1024;

  /** The last {@link #MAX_BYTES} bytes of {@code full}, starting at a line. */
  public static BuildLog keepTail(String full) {
    byte[] bytes = full.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_BYTES) {
      return new BuildLog(full, false);
    }
    String tail = new String(bytes, bytes.length - MAX_BYTES, MAX_BYTES, StandardCharsets.UTF_8);
    int newline = tail.indexOf('\n');
    // the cut may fall inside a character or a line: start at the next whole line
    return new BuildLog(newline >= 0 ? tail.substring(newline + 1) : tail, true);
  }
}
