package dev.lanes.gateway.auth;

import dev.lanes.common.domain.Scope;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.gateway.store.ApiKeyStore;
import dev.lanes.gateway.store.ApiKeyStore.StoredKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks {@code X-API-Key} on every request under {@code /api/}. Keys read from the store are
 * trusted for {@code ttl}, so most requests cost a hash and a map lookup, not a query. One instance
 * per gateway verticle: it is confined to that verticle's event loop and needs no locking.
 */
public final class ApiKeyAuthenticator implements Handler<RoutingContext> {

  public static final String HEADER = "X-API-Key";
  private static final String PROTECTED_PREFIX = "/api/";
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyAuthenticator.class);
  private static final int MAX_ENTRIES = 10_000;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private record Entry(Optional<StoredKey> key, Instant loadedAt) {}

  private final ApiKeyStore store;
  private final Duration ttl;
  private final Clock clock;
  private final FailedAuthentications failures;
  private final Map<String, Entry> cache =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
          return size() > MAX_ENTRIES;
        }
      };
  private final Map<String, Instant> lastTouched = new LinkedHashMap<>();

  /**
   * @param failures where failed authentications are counted per address, shared by every instance
   */
  public ApiKeyAuthenticator(
      ApiKeyStore store, Duration ttl, Clock clock, FailedAuthentications failures) {
    this.store = store;
    this.ttl = ttl;
    this.clock = clock;
    this.failures = failures;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!ctx.request().path().startsWith(PROTECTED_PREFIX)) {
      ctx.next();
      return;
    }
    String presented = ctx.request().getHeader(HEADER);
    if (presented == null || presented.isBlank()) {
      refuse(ctx, "send an API key in the X-API-Key header");
      return;
    }
    String id = ApiKeyFormat.idOf(presented.trim());
    lookup(id).onSuccess(key -> admit(ctx, presented.trim(), key)).onFailure(ctx::fail);
  }

  /** Forgets what is cached about {@code id}, e.g. after it was revoked. */
  public void invalidate(String id) {
    cache.remove(id);
  }

  /** A handler that lets the request through only when its key carries {@code required}. */
  public static Handler<RoutingContext> requireScope(Scope required) {
    return ctx -> {
      Principal p = ctx.get(Principal.CONTEXT_KEY);
      if (p != null && p.allows(required)) {
        ctx.next();
      } else {
        String has = p == null || p.highest() == null ? "none" : p.highest().value();
        ctx.fail(
            new ClientError(
                ErrorCode.FORBIDDEN,
                "this key has scope '" + has + "'; this request needs '" + required.value() + "'"));
      }
    };
  }

  private Future<Optional<StoredKey>> lookup(String id) {
    Instant now = clock.instant();
    Entry entry = cache.get(id);
    if (entry != null && entry.loadedAt().plus(ttl).isAfter(now)) {
      return Future.succeededFuture(entry.key());
    }
    return store.find(id).onSuccess(key -> cache.put(id, new Entry(key, now)));
  }

  private void admit(RoutingContext ctx, String presented, Optional<StoredKey> found) {
    // Compare even when no key was found, so the answer takes as long either way.
    byte[] hash = found.map(StoredKey::hash).orElse(new byte[32]);
    boolean valid = ApiKeyFormat.matches(presented, hash) && found.isPresent();
    if (!valid) {
      refuse(ctx, "the API key is not valid");
      return;
    }
    StoredKey key = found.get();
    Instant now = clock.instant();
    if (key.revokedAt() != null) {
      refuse(ctx, "the API key was revoked");
      return;
    }
    if (key.expiresAt() != null && !key.expiresAt().isAfter(now)) {
      refuse(ctx, "the API key has expired");
      return;
    }
    ctx.put(Principal.CONTEXT_KEY, new Principal(key.id(), key.name(), key.scopes()));
    touch(key.id(), now);
    ctx.next();
  }

  /** A failed authentication: a 401, or a 429 once its address failed too often. */
  private void refuse(RoutingContext ctx, String detail) {
    SocketAddress peer = ctx.request().remoteAddress();
    String address = peer == null ? "unknown" : peer.hostAddress();
    Duration refusedFor = failures.fail(address);
    if (refusedFor == null) {
      ctx.fail(new ClientError(ErrorCode.UNAUTHENTICATED, detail));
    } else {
      ctx.fail(
          ClientError.tryAgainAfter(
              ErrorCode.TOO_MANY_ATTEMPTS,
              "too many failed authentications from your address; try again in "
                  + Math.max(1, refusedFor.toSeconds())
                  + " s",
              refusedFor));
    }
  }

  private void touch(String id, Instant now) {
    Instant last = lastTouched.get(id);
    if (last == null || last.plus(TOUCH_EVERY).isBefore(now)) {
      lastTouched.put(id, now);
      store
          .touch(id)
          .onFailure(e -> LOG.debug("could not record the use of key {}: {}", id, e.toString()));
    }
  }
}
