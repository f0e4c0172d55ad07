package dev.lanes.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the value types the configuration uses. Each failure says what was expected. */
public final class ConfigParsers {

  private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private ConfigParsers() {}

  public static Function<String, Integer> intIn(int min, int max) {
    return text -> {
      int value;
      try {
        value = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected an integer, got '" + text + "'");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            "expected an integer in " + min + ".." + max + ", got " + value);
      }
      return value;
    };
  }

  public static boolean bool(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw new IllegalArgumentException("expected true or false, got '" + text + "'");
    };
  }

  /**
   * A duration as Go and Kubernetes users write it ({@code 30s}, {@code 5m}, {@code 1h}, {@code
   * 250ms}, {@code 1d}), or in ISO-8601 ({@code PT5M}).
   */
  public static Duration duration(String text) {
    String t = text.trim();
    Matcher m = SIMPLE_DURATION.matcher(t);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }
    try {
      return Duration.parse(t);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "expected a duration such as 30s, 5m or 1h, got '" + text + "'");
    }
  }

  /** A comma-separated list; blanks around entries and empty entries are dropped. */
  public static List<String> list(String text) {
    return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
