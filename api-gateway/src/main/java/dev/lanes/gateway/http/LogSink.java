package dev.lanes.gateway.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Writes log lines as chunked text, or as server-sent events when the client accepts {@code
 * text/event-stream}: a {@code data:} per line, {@code : keep-alive} comments, and a final {@code
 * end} event.
 */
final class LogSink {

  private final HttpServerResponse response;
  private final boolean sse;
  private boolean started;

  LogSink(RoutingContext ctx) {
    this.response = ctx.response();
    String accept = ctx.request().getHeader("Accept");
    this.sse = accept != null && accept.contains("text/event-stream");
  }

  private void start() {
    if (!started) {
      started = true;
      response
          .setChunked(true)
          .putHeader("Content-Type", sse ? "text/event-stream" : "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "no-store")
          .putHeader("X-Accel-Buffering", "no");
    }
  }

  boolean closed() {
    return response.closed();
  }

  void line(String text) {
    if (response.closed()) {
      return;
    }
    start();
    response.write(sse ? "data: " + text + "\n\n" : text + "\n");
  }

  void heartbeat() {
    if (sse && !response.closed()) {
      start();
      response.write(": keep-alive\n\n");
    }
  }

  /** Writes the last lines and ends the answer; {@code end} is the SSE end event's data. */
  void finish(List<String> lines, JsonObject end) {
    if (response.closed()) {
      return;
    }
    lines.forEach(this::line);
    start();
    if (sse && end != null) {
      response.write("event: end\ndata: " + end.encode() + "\n\n");
    }
    response.end();
  }

  void fail() {
    if (!response.closed()) {
      response.reset();
    }
  }
}
