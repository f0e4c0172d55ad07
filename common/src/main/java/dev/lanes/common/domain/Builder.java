package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What builds an image repo's images: Kaniko or rootless BuildKit (docs/builds.md). */
public enum Builder {
  KANIKO,
  BUILDKIT;

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The builder named {@code value} exactly as the API spells it, or empty. */
  public static Optional<Builder> parse(String value) {
    return Arrays.stream(values()).filter(b -> b.value().equals(value)).findFirst();
  }

  /** The builder a stored value names; builds recorded before builders existed are Kaniko's. */
  public static Builder ofStored(String value) {
    return value == null ? KANIKO : parse(value).orElse(KANIKO);
  }

  /** The names the API accepts, for error messages and documentation. */
  public static List<String> names() {
    return Arrays.stream(values()).map(Builder::value).toList();
  }
}
