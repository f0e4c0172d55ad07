package dev.lanes.common.error;

/** A failure that may go away by itself; only these are retried. */
public interface Retryable {
  boolean isRetryable();
}
