package dev.lanes.common.config;

import java.util.function.Function;

/**
 * One environment variable: its name, what it means, its default (as written in the environment,
 * {@code null} when it has none), how its text becomes a typed value, and whether its value is a
 * secret that must never be printed. A parser throws {@link IllegalArgumentException} with a
 * message that says what was expected.
 */
public record ConfigKey<T>(
    String name,
    String description,
    String defaultValue,
    Function<String, T> parser,
    boolean secret) {

  public static <T> ConfigKey<T> of(
      String name, String defaultValue, Function<String, T> parser, String description) {
    return new ConfigKey<>(name, description, defaultValue, parser, false);
  }

  public static ConfigKey<String> string(String name, String defaultValue, String description) {
    return of(name, defaultValue, Function.identity(), description);
  }

  public static ConfigKey<Secret> secret(String name, String description) {
    return new ConfigKey<>(name, description, null, Secret::of, true);
  }

  public static ConfigKey<Integer> integer(
      String name, int defaultValue, int min, int max, String description) {
    return of(name, Integer.toString(defaultValue), ConfigParsers.intIn(min, max), description);
  }

  public static ConfigKey<Boolean> bool(String name, boolean defaultValue, String description) {
    return of(name, Boolean.toString(defaultValue), ConfigParsers::bool, description);
  }
}
