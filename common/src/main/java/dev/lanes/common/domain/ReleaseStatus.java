package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** pending → progressing → deployed | failed; deleting while it is undeployed. */
public enum ReleaseStatus {
  PENDING,
  PROGRESSING,
  DEPLOYED,
  FAILED,
  DELETING;

  public boolean isTerminal() {
    return this == DEPLOYED || this == FAILED;
  }

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ReleaseStatus of(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
