package dev.lanes.gateway.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed authentications counted per source address, to slow down whoever guesses keys: past {@code
 * limit} failures within a {@link #WINDOW}, every further failure from that address is refused
 * ({@code 429 too_many_attempts}) until the window ends. A valid key is never refused: only a
 * failure is counted and only a failure is refused. One per process, shared by every gateway
 * instance, so the limit does not grow with {@code HTTP_INSTANCES}.
 *
 * <p>The address is the TCP peer's; behind a proxy that is the proxy's, so put the limit where the
 * clients' own addresses are seen, or raise it. Nothing of the key presented is kept or logged.
 */
public final class FailedAuthentications {

  /** The window failures are counted in. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** Addresses remembered at most; past it, windows that ended are forgotten first. */
  static final int MAX_ADDRESSES = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(FailedAuthentications.class);

  private record Window(Instant start, int failures) {}

  private final int limit;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private final Counter unauthenticated;
  private final Counter refused;

  /**
   * @param limit failures from one address a minute before the next ones are refused
   */
  public FailedAuthentications(int limit, Clock clock, MeterRegistry registry) {
    this.limit = limit;
    this.clock = clock;
    this.unauthenticated = counter(registry, "unauthenticated");
    this.refused = counter(registry, "refused");
  }

  private static Counter counter(MeterRegistry registry, String outcome) {
    return Counter.builder("lanes.auth.failures")
        .description(
            "Failed authentications: unauthenticated (401), or refused (429) because their address"
                + " failed too often")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * Counts a failed authentication from {@code address}.
   *
   * @return how long the address is refused from now on, or {@code null} while it is within the
   *     limit (the failure is then an ordinary 401)
   */
  public Duration fail(String address) {
    Instant now = clock.instant();
    if (windows.size() >= MAX_ADDRESSES) {
      forgetEnded(now);
    }
    Window window =
        windows.compute(
            address,
            (a, w) ->
                w == null || !now.isBefore(w.start().plus(WINDOW))
                    ? new Window(now, 1)
                    : new Window(w.start(), w.failures() + 1));
    if (window.failures() <= limit) {
      unauthenticated.increment();
      return null;
    }
    refused.increment();
    Duration left = Duration.between(now, window.start().plus(WINDOW));
    if (window.failures() == limit + 1) {
      LOG.warn(
          "refusing failed authentications from {} for {} s: more than {} in {} s",
          address,
          Math.max(1, left.toSeconds()),
          limit,
          WINDOW.toSeconds());
    }
    return left;
  }

  private void forgetEnded(Instant now) {
    windows.values().removeIf(w -> !now.isBefore(w.start().plus(WINDOW)));
    if (windows.size() >= MAX_ADDRESSES) {
      // a flood of addresses: forget them all rather than grow without bound
      windows.clear();
    }
  }
}
