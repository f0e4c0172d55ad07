package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** pending → queued → running → succeeded | failed | cancelled. */
public enum BuildStatus {
  PENDING,
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static BuildStatus of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
