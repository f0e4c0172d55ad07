package dev.lanes.sdk;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * How a {@link LaneRouter} subscribes. Only {@code defaultPort} has no default: it is the port of
 * every target while there is no table, and there is no silent port 80.
 *
 * @param defaultPort port of targets the table does not know, 1..65535
 * @param stream subscribe to the stream (else long-poll only)
 * @param heartbeatTimeout a stream silent this long is dead (three of the registry's heartbeats)
 * @param backoffInitial first delay after a failure, doubling up to {@code backoffMax}
 * @param backoffMax longest delay between attempts
 * @param pollWait how long one blocking query may wait at the registry
 * @param pollPeriod how long to long-poll after the stream failed three times in a row
 * @param onChange called, on the router's thread, with each new table
 */
public record LaneRouterOptions(
    int defaultPort,
    boolean stream,
    Duration heartbeatTimeout,
    Duration backoffInitial,
    Duration backoffMax,
    Duration pollWait,
    Duration pollPeriod,
    Consumer<RouteTable> onChange) {

  public LaneRouterOptions {
    if (defaultPort < 1 || defaultPort > 65535) {
      throw new IllegalArgumentException("defaultPort must be 1..65535, got " + defaultPort);
    }
    Objects.requireNonNull(heartbeatTimeout, "heartbeatTimeout");
    Objects.requireNonNull(backoffInitial, "backoffInitial");
    Objects.requireNonNull(backoffMax, "backoffMax");
    Objects.requireNonNull(pollWait, "pollWait");
    Objects.requireNonNull(pollPeriod, "pollPeriod");
    onChange = onChange == null ? t -> {} : onChange;
  }

  /** The defaults of docs/routing.md with {@code defaultPort}. */
  public static LaneRouterOptions defaults(int defaultPort) {
    return new LaneRouterOptions(
        defaultPort,
        true,
        Duration.ofSeconds(45),
        Duration.ofMillis(250),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofMinutes(1),
        null);
  }

  public LaneRouterOptions withStream(boolean stream) {
    return new LaneRouterOptions(
        defaultPort,
        stream,
        heartbeatTimeout,
        backoffInitial,
        backoffMax,
        pollWait,
        pollPeriod,
        onChange);
  }

  public LaneRouterOptions withHeartbeatTimeout(Duration heartbeatTimeout) {
    return new LaneRouterOptions(
        defaultPort,
        stream,
        heartbeatTimeout,
        backoffInitial,
        backoffMax,
        pollWait,
        pollPeriod,
        onChange);
  }

  public LaneRouterOptions withBackoff(Duration initial, Duration max) {
    return new LaneRouterOptions(
        defaultPort, stream, heartbeatTimeout, initial, max, pollWait, pollPeriod, onChange);
  }

  public LaneRouterOptions withPolling(Duration pollWait, Duration pollPeriod) {
    return new LaneRouterOptions(
        defaultPort,
        stream,
        heartbeatTimeout,
        backoffInitial,
        backoffMax,
        pollWait,
        pollPeriod,
        onChange);
  }

  public LaneRouterOptions withOnChange(Consumer<RouteTable> onChange) {
    return new LaneRouterOptions(
        defaultPort,
        stream,
        heartbeatTimeout,
        backoffInitial,
        backoffMax,
        pollWait,
        pollPeriod,
        onChange);
  }
}
