package dev.lanes.gateway.http;

import dev.lanes.gateway.events.EventFeed;
import dev.lanes.gateway.events.PlatformEvent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber of {@code /api/v1/events}: replays what it missed since its {@code Last-Event-ID}
 * from the database, then follows the feed. Events that arrive live during the replay wait, and
 * anything at or below the stream's position is dropped, so each event is sent once and in order.
 */
final class EventStream implements EventFeed.Listener {

  private static final Buffer HEARTBEAT = Buffer.buffer(": keep-alive\n\n");

  private final Vertx vertx;
  private final EventFeed feed;
  private final HttpServerResponse response;
  private final EventFilter filter;
  private final List<PlatformEvent> pending = new ArrayList<>();
  private long position;
  private boolean replaying;
  private long heartbeat = -1;

  EventStream(
      Vertx vertx, EventFeed feed, HttpServerResponse response, EventFilter filter, long position) {
    this.vertx = vertx;
    this.feed = feed;
    this.response = response;
    this.filter = filter;
    this.position = position;
  }

  /** Sends the missed events (when {@code replay}), then follows the feed until the client goes. */
  void open(boolean replay, long heartbeatMillis) {
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 2000\n\n");
    response.closeHandler(v -> close());
    response.exceptionHandler(e -> close());
    heartbeat = vertx.setPeriodic(heartbeatMillis, id -> response.write(HEARTBEAT));
    feed.listen(this);
    if (!replay) {
      return;
    }
    replaying = true;
    replayFrom(position)
        .onComplete(
            done -> {
              if (done.failed()) {
                response.reset();
                return;
              }
              replaying = false;
              pending.forEach(this::deliver);
              pending.clear();
            });
  }

  @Override
  public void event(PlatformEvent event) {
    if (replaying) {
      pending.add(event);
    } else {
      deliver(event);
    }
  }

  private Future<Void> replayFrom(long seq) {
    return feed.after(seq)
        .compose(
            page -> {
              page.events().forEach(this::deliver);
              position = Math.max(position, page.reached());
              if (!page.more() || response.closed()) {
                return Future.succeededFuture();
              }
              return drained().compose(v -> replayFrom(page.reached()));
            });
  }

  /** Completes once the client has taken what was written, so a long replay is paced by it. */
  private Future<Void> drained() {
    if (!response.writeQueueFull()) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    response.drainHandler(v -> p.tryComplete());
    return p.future();
  }

  private void deliver(PlatformEvent e) {
    if (e.seq() <= position || response.closed()) {
      return;
    }
    position = e.seq();
    if (!filter.matches(e)) {
      return;
    }
    if (!replaying && response.writeQueueFull()) {
      // a client this far behind reconnects with Last-Event-ID and catches up from the database
      response.reset();
      return;
    }
    response.write(
        Buffer.buffer()
            .appendString("id: ")
            .appendString(Long.toString(e.seq()))
            .appendString("\nevent: ")
            .appendString(e.type())
            .appendString("\ndata: ")
            .appendString(e.cloudEvent().encode())
            .appendString("\n\n"));
  }

  private void close() {
    feed.unlisten(this);
    vertx.cancelTimer(heartbeat);
  }
}
