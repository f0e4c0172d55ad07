package dev.lanes.sdk;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The lane of the request being served. Inbound middleware sets it from {@code x-lane} (or the
 * {@code baggage} member {@code lane}); {@link LaneRouter#resolve(String)} and the outbound helpers
 * read it. It lives in a thread-local while code runs inside {@link #run} or {@link #call}, and, on
 * Vert.x, in the request's context, so that it survives asynchronous hops there.
 */
public final class Lanes {

  /** The header that carries the lane from call to call. */
  public static final String HEADER = "x-lane";

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();
  private static final boolean VERTX = present("io.vertx.core.Vertx");

  private Lanes() {}

  /** The current lane, or {@code null} when the request carries none. */
  public static String current() {
    String lane = CURRENT.get();
    if (lane == null && VERTX) {
      lane = dev.lanes.sdk.vertx.VertxLanes.current();
    }
    return lane;
  }

  /** Runs {@code action} with {@code lane} as the current lane (no lane when it is not a name). */
  public static void run(String lane, Runnable action) {
    String before = CURRENT.get();
    CURRENT.set(LaneNames.isLane(lane) ? lane : null);
    try {
      action.run();
    } finally {
      restore(before);
    }
  }

  /** Calls {@code action} with {@code lane} as the current lane (no lane when it is not a name). */
  public static <T> T call(String lane, Callable<T> action) throws Exception {
    String before = CURRENT.get();
    CURRENT.set(LaneNames.isLane(lane) ? lane : null);
    try {
      return action.call();
    } finally {
      restore(before);
    }
  }

  private static void restore(String before) {
    if (before == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(before);
    }
  }

  /**
   * The lane an inbound request carries: {@code x-lane}, else the {@code lane} member of {@code
   * baggage}; a value that is not a lane name is ignored.
   *
   * @param header the request's header of a given (lower-case) name, or {@code null}
   */
  public static String fromHeaders(Function<String, String> header) {
    String lane = header.apply(HEADER);
    if (lane != null) {
      lane = lane.trim();
      if (LaneNames.isLane(lane)) {
        return lane;
      }
    }
    String baggage = header.apply("baggage");
    return baggage == null ? null : fromBaggage(baggage);
  }

  /**
   * The {@code lane} member of a W3C baggage header ({@code k=v;prop,k2=v2}, values
   * percent-encoded), or {@code null}.
   */
  public static String fromBaggage(String baggage) {
    String lane = null;
    for (String member : baggage.split(",")) {
      int semicolon = member.indexOf(';');
      String pair = semicolon < 0 ? member : member.substring(0, semicolon);
      int eq = pair.indexOf('=');
      if (eq <= 0 || !pair.substring(0, eq).trim().equals("lane")) {
        continue;
      }
      // the last member named lane wins, as OpenTelemetry's baggage propagator reads it
      try {
        lane = URLDecoder.decode(pair.substring(eq + 1).trim(), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        lane = null;
      }
    }
    return LaneNames.isLane(lane) ? lane : null;
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, Lanes.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
