package dev.lanes.common.domain;

import java.time.Instant;
import java.util.Collections;
import java.util.List;

/**
 * An API key as it is listed: never its secret.
 *
 * @param prefix the start of the key ({@code lanes_<id>_}), enough to recognise it in a list
 * @param scopes what it may do; scopes are ordered, so the highest one decides
 * @param bootstrap the admin key from {@code API_TOKEN} or generated on first start
 */
public record ApiKey(
    String id,
    String name,
    String prefix,
    List<Scope> scopes,
    boolean bootstrap,
    Instant createdAt,
    Instant expiresAt,
    Instant lastUsedAt,
    Instant revokedAt) {

  public Scope highestScope() {
    return scopes.isEmpty() ? null : Collections.max(scopes);
  }

  public boolean allows(Scope required) {
    return !scopes.isEmpty() && highestScope().includes(required);
  }
}
