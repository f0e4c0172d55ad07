package dev.lanes.common.config;

import java.util.Objects;

/**
 * A configuration value that must never be printed: {@link #toString()} answers {@code ***}, so a
 * record holding one can be logged safely. Read the value with {@link #reveal()} where it is used.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value);
  }

  public static Secret of(String value) {
    return new Secret(value);
  }

  public String reveal() {
    return value;
  }

  @Override
  public String toString() {
    return "***";
  }
}
