package dev.lanes.common.messaging;

import java.time.Duration;

/**
 * How a consumer retries a failed message: a transient failure ({@link Failures}) is handed to the
 * handler again after {@code initial}, doubled after each failure, at most {@code max}; after
 * {@code limit} attempts in all it is treated as permanent. A permanent failure is never retried.
 *
 * @param limit attempts in all, the first included ({@code MESSAGE_RETRY_LIMIT})
 */
public record RetryPolicy(Duration initial, Duration max, int limit) {

  /** The attempts a message gets by default: about 80 s of retries with the default backoff. */
  public static final int DEFAULT_LIMIT = 10;

  public static final RetryPolicy DEFAULT =
      new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(30), DEFAULT_LIMIT);

  public RetryPolicy {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more, got " + limit);
    }
  }

  /** The wait before attempt {@code attempt + 1}, after {@code attempt} failures (1 or more). */
  public Duration after(int attempt) {
    int doublings = Math.min(Math.max(attempt - 1, 0), 30);
    Duration delay = initial.multipliedBy(1L << doublings);
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /**
   * The wait before the next attempt after {@code attempts} attempts failed, the last with {@code
   * cause}; {@code null} when the message is to be given up: the failure is permanent, or it was
   * the last attempt allowed.
   */
  public Duration retryAfter(Throwable cause, int attempts) {
    if (!Failures.isTransient(cause) || attempts >= limit) {
      return null;
    }
    return after(attempts);
  }

  public RetryPolicy withLimit(int limit) {
    return new RetryPolicy(initial, max, limit);
  }
}
