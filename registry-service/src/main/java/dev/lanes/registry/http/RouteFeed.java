package dev.lanes.registry.http;

import dev.lanes.registry.table.RouteBook;
import dev.lanes.registry.table.RouteDelta;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everyone waiting for the next change of the table: stream subscribers, who get each delta as a
 * server-sent event, and blocking queries, which are answered when the version moves. Confined,
 * like the table, to the registry's context.
 */
public final class RouteFeed {

  private static final Logger LOG = LoggerFactory.getLogger(RouteFeed.class);
  private static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");
  private static final Buffer PREAMBLE = Buffer.buffer("retry: 1000\n\n");

  private final Vertx vertx;
  private final RouteBook book;
  private final RouteSnapshots snapshots;
  private final RouteHistory history;
  private final Set<HttpServerResponse> subscribers = new LinkedHashSet<>();
  private final Set<Waiter> waiters = new LinkedHashSet<>();
  private final long heartbeatTimer;
  private final Context context;

  /** Published but not yet written: the deltas of this turn of the event loop, merged. */
  private RouteDelta pending;

  private List<Promise<Void>> whenWritten = new ArrayList<>();
  private boolean flushScheduled;

  private record Waiter(RoutingContext ctx, long timer) {}

  public RouteFeed(Vertx vertx, RouteBook book, int historySize, Duration heartbeat) {
    this.vertx = vertx;
    this.book = book;
    this.snapshots = new RouteSnapshots(book);
    this.history = new RouteHistory(historySize);
    this.context = vertx.getOrCreateContext();
    this.heartbeatTimer = vertx.setPeriodic(heartbeat.toMillis(), id -> writeAll(HEARTBEAT));
  }

  RouteSnapshots snapshots() {
    return snapshots;
  }

  /** Stream subscribers connected now. */
  public int subscribers() {
    return subscribers.size();
  }

  /** Blocking queries waiting now. */
  public int waiting() {
    return waiters.size();
  }

  /**
   * Sends {@code delta} to every subscriber and answers every waiting query; the future completes
   * once it is written.
   *
   * <p>Deltas published in the same turn of the event loop go out as one: the write happens on the
   * next turn, after the cluster events already queued behind this one, so a burst (a node drained,
   * hundreds of EndpointSlices changed) costs one write per subscriber per turn instead of one per
   * event, and the registry does not fall behind. Every delta still enters the history at once, so
   * a subscriber resuming from any version gets exactly what it missed.
   */
  public Future<Void> publish(RouteDelta delta) {
    history.add(delta);
    pending = pending == null ? delta : pending.then(delta);
    Promise<Void> written = Promise.promise();
    whenWritten.add(written);
    if (!flushScheduled) {
      flushScheduled = true;
      context.runOnContext(v -> flush());
    }
    return written.future();
  }

  /** Writes the pending delta, if any: before a new subscriber's first frame, and once per turn. */
  private void flush() {
    flushScheduled = false;
    if (pending == null) {
      return;
    }
    RouteDelta delta = pending;
    List<Promise<Void>> done = whenWritten;
    pending = null;
    whenWritten = new ArrayList<>();
    writeAll(frame("delta", delta.version(), delta.toJson().toBuffer()));
    if (!waiters.isEmpty()) {
      List<Waiter> due = new ArrayList<>(waiters);
      waiters.clear();
      for (Waiter w : due) {
        vertx.cancelTimer(w.timer());
        RoutesHandler.answer(w.ctx(), snapshots);
      }
    }
    done.forEach(Promise::complete);
  }

  /**
   * Opens a stream: what the subscriber missed since {@code lastEventId} when the history still has
   * it, nothing when it is current, else a snapshot; then every delta as it happens.
   */
  void subscribe(RoutingContext ctx, Long lastEventId) {
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    response.write(PREAMBLE);
    // what is pending goes to the others first: this subscriber starts from the table as it is
    flush();
    List<RouteDelta> missed =
        lastEventId == null
            ? null
            : lastEventId == book.version() ? List.of() : history.after(lastEventId);
    if (missed == null) {
      response.write(frame("snapshot", book.version(), snapshots.buffer()));
    } else {
      missed.forEach(d -> response.write(frame("delta", d.version(), d.toJson().toBuffer())));
    }
    subscribers.add(response);
    response.closeHandler(v -> subscribers.remove(response));
    response.exceptionHandler(e -> subscribers.remove(response));
  }

  /** Holds a blocking query until the next change or until {@code wait} ends. */
  void await(RoutingContext ctx, Duration wait) {
    Waiter[] self = new Waiter[1];
    long timer =
        vertx.setTimer(
            Math.max(1, wait.toMillis()),
            id -> {
              if (waiters.remove(self[0])) {
                RoutesHandler.answer(ctx, snapshots);
              }
            });
    self[0] = new Waiter(ctx, timer);
    waiters.add(self[0]);
    ctx.response()
        .closeHandler(
            v -> {
              if (waiters.remove(self[0])) {
                vertx.cancelTimer(timer);
              }
            });
  }

  /** Ends every stream, for a clean shutdown. */
  public void close() {
    vertx.cancelTimer(heartbeatTimer);
    new ArrayList<>(subscribers).forEach(HttpServerResponse::end);
    subscribers.clear();
  }

  /**
   * Writes to every subscriber. One that cannot keep up (its write queue is full) is disconnected:
   * it reconnects with {@code Last-Event-ID} and catches up, instead of holding memory here.
   */
  private void writeAll(Buffer frame) {
    List<HttpServerResponse> slow = null;
    for (HttpServerResponse r : subscribers) {
      if (r.writeQueueFull()) {
        if (slow == null) {
          slow = new ArrayList<>();
        }
        slow.add(r);
      } else {
        r.write(frame);
      }
    }
    if (slow != null) {
      LOG.warn("disconnecting {} route subscriber(s) that could not keep up", slow.size());
      for (HttpServerResponse r : slow) {
        subscribers.remove(r);
        r.reset();
      }
    }
  }

  private static Buffer frame(String event, long id, Buffer data) {
    return Buffer.buffer(data.length() + 48)
        .appendString("event: ")
        .appendString(event)
        .appendString("\nid: ")
        .appendString(Long.toString(id))
        .appendString("\ndata: ")
        .appendBuffer(data)
        .appendString("\n\n");
  }
}
