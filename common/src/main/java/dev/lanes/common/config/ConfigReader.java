package dev.lanes.common.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads typed values from an environment map, collecting every problem so that start-up fails once
 * with all of them. Usage: read every key, then call {@link #done()}.
 */
public final class ConfigReader {

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public ConfigReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The key's value, its default when unset or blank, or {@code null} when it has neither. */
  public <T> T get(ConfigKey<T> key) {
    String raw = env.get(key.name());
    if (raw == null || raw.isBlank()) {
      raw = key.defaultValue();
    }
    if (raw == null) {
      return null;
    }
    try {
      return key.parser().apply(raw);
    } catch (IllegalArgumentException e) {
      problems.add(key.name() + ": " + e.getMessage());
      return null;
    }
  }

  /** Like {@link #get} but records a problem when the key has no value at all. */
  public <T> T require(ConfigKey<T> key) {
    T value = get(key);
    if (value == null && !hasProblemFor(key)) {
      problems.add(key.name() + ": must be set (" + key.description() + ")");
    }
    return value;
  }

  /** Records a problem found while combining several values. */
  public void problem(String message) {
    problems.add(message);
  }

  /**
   * Ends reading.
   *
   * @throws ConfigException naming every problem found
   */
  public void done() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private boolean hasProblemFor(ConfigKey<?> key) {
    return problems.stream().anyMatch(p -> p.startsWith(key.name() + ":"));
  }
}
