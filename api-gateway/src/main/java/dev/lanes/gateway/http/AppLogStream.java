package dev.lanes.gateway.http;

import dev.lanes.common.pods.AppPods;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Answers {@code GET /apps/{app}/logs?lane=}: the lane's pods' logs merged in time order, each line
 * prefixed with its pod ({@code [web-dev-5d8f...] listening on :8080}), as {@code kubectl logs
 * --prefix} prints them. {@code tail} lines per pod (default 200) or {@code since} a duration ago;
 * {@code follow=true} keeps the answer open and polls for new lines until the client leaves.
 */
final class AppLogStream {

  private static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final AppPods runtime;

  AppLogStream(Vertx vertx, AppPods runtime) {
    this.vertx = vertx;
    this.runtime = runtime;
  }

  /** What a request asks for. */
  record Request(String app, String lane, int tail, Instant since, boolean follow) {}

  void stream(RoutingContext ctx, Request request) {
    LogSink sink = new LogSink(ctx);
    if (runtime == null) {
      sink.finish(List.of(), null);
      return;
    }
    LogCursor cursor = new LogCursor();
    runtime
        .logs(
            request.app(),
            request.lane(),
            request.since() == null ? request.tail() : null,
            request.since())
        .onFailure(ctx::fail)
        .onSuccess(
            lines -> {
              List<AppPods.Line> fresh = cursor.next(lines, AppPods.Line::time);
              if (!request.follow()) {
                sink.finish(fresh.stream().map(AppLogStream::text).toList(), null);
                return;
              }
              fresh.forEach(l -> sink.line(text(l)));
              sink.heartbeat();
              new Follower(ctx, sink, request, cursor).schedule();
            });
  }

  private static String text(AppPods.Line line) {
    return "[" + line.pod() + "] " + line.text();
  }

  /** Polls for new lines while the client listens. */
  private final class Follower {
    private final LogSink sink;
    private final Request request;
    private final LogCursor cursor;
    private boolean closed;
    private long lastWrite = System.nanoTime();

    Follower(RoutingContext ctx, LogSink sink, Request request, LogCursor cursor) {
      this.sink = sink;
      this.request = request;
      this.cursor = cursor;
      ctx.response().closeHandler(v -> closed = true);
    }

    void schedule() {
      vertx.setTimer(POLL.toMillis(), id -> tick());
    }

    private void tick() {
      if (closed || sink.closed()) {
        return;
      }
      Instant since = cursor.since() != null ? cursor.since() : Instant.now().minus(POLL);
      runtime
          .logs(request.app(), request.lane(), null, since)
          .onFailure(e -> sink.fail())
          .onSuccess(
              lines -> {
                List<AppPods.Line> fresh = cursor.next(lines, AppPods.Line::time);
                fresh.forEach(l -> sink.line(text(l)));
                if (!fresh.isEmpty()) {
                  lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
                  sink.heartbeat();
                  lastWrite = System.nanoTime();
                }
                schedule();
              });
    }
  }
}
