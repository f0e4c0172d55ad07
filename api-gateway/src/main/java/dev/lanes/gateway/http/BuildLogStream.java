package dev.lanes.gateway.http;

import dev.lanes.build.api.BuildPods;
import dev.lanes.build.api.BuildStore;
import dev.lanes.common.domain.Build;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Answers {@code GET .../builds/{id}/logs}: the saved log of a finished build, or the build pod's
 * log while it runs. With {@code ?follow=true} the answer stays open, sending new lines as the pod
 * writes them, until the build ends. As text ({@code text/plain}, chunked) by default, or as
 * server-sent events when the client accepts {@code text/event-stream}: one {@code data:} per line
 * and a final {@code end} event with the build's status.
 *
 * <p>Following reads the pod log every {@link #POLL} with {@code sinceTime}, which works the same
 * on every cluster and on the sandbox; lines already sent are skipped by their timestamps.
 */
final class BuildLogStream {

  static final Duration POLL = Duration.ofSeconds(1);
  private static final Duration HEARTBEAT = Duration.ofSeconds(15);

  private final Vertx vertx;
  private final BuildStore builds;
  private final BuildPods pods;

  /**
   * @param pods the cluster's build pods, or {@code null} without a cluster (saved logs only)
   */
  BuildLogStream(Vertx vertx, BuildStore builds, BuildPods pods) {
    this.vertx = vertx;
    this.builds = builds;
    this.pods = pods;
  }

  void stream(RoutingContext ctx, Build build) {
    boolean follow = "true".equalsIgnoreCase(ctx.request().getParam("follow"));
    String accept = ctx.request().getHeader("Accept");
    Sink sink = new Sink(ctx.response(), accept != null && accept.contains("text/event-stream"));
    if (!follow || build.status().isTerminal()) {
      once(build).onSuccess(lines -> sink.finish(lines, build)).onFailure(ctx::fail);
    } else {
      new Follower(ctx, sink, build).tick();
    }
  }

  /** Everything there is now: the saved log, or the pod's log so far. */
  private Future<List<String>> once(Build build) {
    return builds
        .savedLog(build.id())
        .compose(
            saved ->
                saved.isPresent()
                    ? Future.succeededFuture(saved.get().text().lines().toList())
                    : podLines(build));
  }

  private Future<List<String>> podLines(Build build) {
    if (pods == null) {
      return Future.succeededFuture(List.of());
    }
    return pods.pod(build.id())
        .compose(
            pod ->
                pod.isEmpty()
                    ? Future.succeededFuture(List.<String>of())
                    : pods.linesSince(pod.get().name(), null)
                        .map(lines -> lines.stream().map(BuildPods.Line::text).toList()));
  }

  /** One following answer: polls until the build ends or the client leaves. */
  private final class Follower {
    private final RoutingContext ctx;
    private final Sink sink;
    private final Build first;
    private String pod;
    private Instant lastTime;
    private int atLastTime;
    private int sent;
    private boolean closed;
    private long lastWrite = System.nanoTime();

    Follower(RoutingContext ctx, Sink sink, Build first) {
      this.ctx = ctx;
      this.sink = sink;
      this.first = first;
      ctx.response().closeHandler(v -> closed = true);
    }

    void tick() {
      if (closed) {
        return;
      }
      builds
          .get(first.app(), first.id())
          .compose(build -> readPod().map(v -> build))
          .onSuccess(this::after)
          .onFailure(e -> sink.fail(e));
    }

    private void after(Build build) {
      if (!build.status().isTerminal()) {
        heartbeat();
        vertx.setTimer(POLL.toMillis(), id -> tick());
        return;
      }
      // the saved log is complete unless truncated: send what the pod did not give us yet
      builds
          .savedLog(build.id())
          .onComplete(
              saved -> {
                Optional<BuildStore.SavedLog> log =
                    saved.succeeded() ? saved.result() : Optional.empty();
                List<String> rest =
                    log.filter(l -> !l.truncated())
                        .map(l -> l.text().lines().skip(sent).toList())
                        .orElse(List.of());
                sink.finish(rest, build);
              });
    }

    private Future<Void> readPod() {
      if (pods == null) {
        return Future.succeededFuture();
      }
      Future<Optional<String>> name =
          pod != null
              ? Future.succeededFuture(Optional.of(pod))
              : pods.pod(first.id())
                  .map(p -> p.filter(BuildPods.PodState::started).map(BuildPods.PodState::name));
      return name.compose(
          n -> {
            if (n.isEmpty()) {
              return Future.succeededFuture();
            }
            pod = n.get();
            return pods.linesSince(pod, lastTime).map(this::send);
          });
    }

    /**
     * Sends the lines not sent yet. A read from {@code sinceTime} repeats the lines of that second:
     * the first {@code atLastTime} lines stamped {@code lastTime} were sent before and are skipped.
     */
    private Void send(List<BuildPods.Line> lines) {
      int skip = atLastTime;
      Instant newest = lastTime;
      int atNewest = atLastTime;
      for (BuildPods.Line line : lines) {
        if (line.time() != null && lastTime != null) {
          if (line.time().isBefore(lastTime)) {
            continue;
          }
          if (line.time().equals(lastTime) && skip > 0) {
            skip--;
            continue;
          }
        }
        sink.line(line.text());
        sent++;
        lastWrite = System.nanoTime();
        if (line.time() != null) {
          if (line.time().equals(newest)) {
            atNewest++;
          } else {
            newest = line.time();
            atNewest = 1;
          }
        }
      }
      lastTime = newest;
      atLastTime = atNewest;
      return null;
    }

    private void heartbeat() {
      if (System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
        sink.heartbeat();
        lastWrite = System.nanoTime();
      }
    }
  }

  /** Writes lines as text or as server-sent events. */
  private static final class Sink {
    private final HttpServerResponse response;
    private final boolean sse;
    private boolean started;

    Sink(HttpServerResponse response, boolean sse) {
      this.response = response;
      this.sse = sse;
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

    void finish(List<String> lines, Build build) {
      if (response.closed()) {
        return;
      }
      lines.forEach(this::line);
      start();
      if (sse) {
        JsonObject end = new JsonObject().put("status", build.status().value());
        if (build.message() != null) {
          end.put("message", build.message());
        }
        response.write("event: end\ndata: " + end.encode() + "\n\n");
      }
      response.end();
    }

    void fail(Throwable e) {
      if (!response.closed()) {
        response.reset();
      }
    }
  }
}
