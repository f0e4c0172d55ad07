package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Optional;

/**
 * What an API key may do. Scopes are ordered: a key with {@code deploy} may also read, a key with
 * {@code admin} may do everything.
 *
 * <ul>
 *   <li>{@code read}: every GET except API keys;
 *   <li>{@code deploy}: also create, change and delete image repos, apps, lanes, builds, releases;
 *   <li>{@code admin}: also manage API keys.
 * </ul>
 */
public enum Scope {
  READ,
  DEPLOY,
  ADMIN;

  public boolean includes(Scope other) {
    return compareTo(other) >= 0;
  }

  @JsonValue
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Scope> parse(String value) {
    for (Scope s : values()) {
      if (s.value().equals(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
