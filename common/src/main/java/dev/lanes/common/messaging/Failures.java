package dev.lanes.common.messaging;

import dev.lanes.common.db.PgErrors;
import dev.lanes.common.error.Retryable;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a failure that may go away by itself (transient: retried) from one that will happen again
 * however often the message comes (permanent: dead-lettered at once). See docs/messaging.md.
 *
 * <p>Transient: a {@link Retryable} that says so ({@code ServerError.unavailable}), an unreachable
 * or restarting database ({@link PgErrors#isUnavailable}), a connection failure or timeout, a
 * Kubernetes API answer 409, 429 or 5xx or none at all (code 0), an event-bus request nobody
 * answered. Everything else is permanent: a {@link MalformedMessage}, an {@link
 * IllegalArgumentException} (an invalid UUID), a {@code ClientError} (validation, a build that does
 * not exist), a {@code DecodeException}, a {@link NullPointerException} of a missing field, a bug.
 */
public final class Failures {

  private Failures() {}

  /** Whether handling the message again may succeed. */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof MalformedMessage) {
        return false;
      }
      if (t instanceof Retryable r) {
        return r.isRetryable();
      }
      if (t instanceof KubernetesClientException k) {
        int code = k.getCode();
        if (code == 0 || code == 409 || code == 429 || code >= 500) {
          return true;
        }
        return false;
      }
      if (t instanceof ReplyException r
          && (r.failureType() == ReplyFailure.TIMEOUT
              || r.failureType() == ReplyFailure.NO_HANDLERS)) {
        return true;
      }
      if (t instanceof IOException || t instanceof TimeoutException) {
        // ConnectException, SocketTimeoutException, a closed connection
        return true;
      }
    }
    return PgErrors.isUnavailable(e);
  }
}
