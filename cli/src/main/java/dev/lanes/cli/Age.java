package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Timestamps as kubectl's AGE column shows them: {@code 45s}, {@code 5m30s}, {@code 3h}, {@code
 * 2d}; the precision drops as the time grows.
 */
public final class Age {

  private Age() {}

  /** A column with the time since the timestamp in {@code field}. */
  public static Printer.Column since(String header, String field) {
    return new Printer.Column(header, n -> since(n.get(field), Instant.now()), false);
  }

  /** A column with the time until the timestamp in {@code field} (empty when it has none). */
  public static Printer.Column until(String header, String field) {
    return new Printer.Column(header, n -> until(n.get(field), Instant.now()), false);
  }

  static String since(JsonNode timestamp, Instant now) {
    Instant at = instant(timestamp);
    return at == null ? "" : human(Duration.between(at, now));
  }

  static String until(JsonNode timestamp, Instant now) {
    Instant at = instant(timestamp);
    if (at == null) {
      return "";
    }
    Duration left = Duration.between(now, at);
    return left.isNegative() ? "expired" : human(left);
  }

  /** kubectl's {@code HumanDuration}. */
  static String human(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + "s";
    }
    long m = s / 60;
    if (m < 10) {
      return s % 60 == 0 ? m + "m" : m + "m" + s % 60 + "s";
    }
    if (m < 180) {
      return m + "m";
    }
    long h = m / 60;
    if (h < 8) {
      return m % 60 == 0 ? h + "h" : h + "h" + m % 60 + "m";
    }
    if (h < 48) {
      return h + "h";
    }
    long days = h / 24;
    if (days < 8) {
      return h % 24 == 0 ? days + "d" : days + "d" + h % 24 + "h";
    }
    return days + "d";
  }

  private static Instant instant(JsonNode timestamp) {
    if (timestamp == null || !timestamp.isTextual()) {
      return null;
    }
    try {
      return Instant.parse(timestamp.asText());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
