package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A deployment lane (prod, blue, dev, feature-x). {@code prod} and {@code blue} are protected and
 * exist from the first start.
 *
 * @param ttlSeconds lifetime after creation, or {@code null}; once expired the lane and its
 *     releases are removed
 * @param expiresAt {@code createdAt + ttlSeconds}, or {@code null}
 * @param status {@code active}, or {@code deleting} while its releases are undeployed
 */
public record Lane(
    String name,
    String description,
    Integer ttlSeconds,
    @JsonProperty("protected") boolean isProtected,
    String status,
    Instant expiresAt,
    Instant createdAt,
    Instant updatedAt) {

  public static final String PROD = "prod";
  public static final String BLUE = "blue";
  public static final String ACTIVE = "active";
  public static final String DELETING = "deleting";
}
