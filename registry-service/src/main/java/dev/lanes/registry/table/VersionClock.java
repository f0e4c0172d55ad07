package dev.lanes.registry.table;

import java.time.Clock;

/**
 * Versions of the route table: {@code max(previous + 1, now in milliseconds)}, so that they grow
 * with every change and also across restarts, when the table starts again from nothing.
 */
public final class VersionClock {

  private final Clock clock;

  public VersionClock(Clock clock) {
    this.clock = clock;
  }

  public long next(long previous) {
    return Math.max(previous + 1, clock.millis());
  }
}
