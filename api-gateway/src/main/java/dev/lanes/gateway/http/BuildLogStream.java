package dev.lanes.gateway.http;

import dev.lanes.common.builds.BuildLog;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.domain.Build;
import dev.lanes.common.pods.BuildPods;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
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
  private final BuildQueries builds;
  private final BuildPods pods;

  /**
   * @param pods the cluster's build pods, or {@code null} without a cluster (saved logs only)
   */
  BuildLogStream(Vertx vertx, BuildQueries builds, BuildPods pods) {
    this.vertx = vertx;
    this.builds = builds;
    this.pods = pods;
  }

  void stream(RoutingContext ctx, Build build) {
    boolean follow = "true".equalsIgnoreCase(ctx.request().getParam("follow"));
    LogSink sink = new LogSink(ctx);
    if (!follow || build.status().isTerminal()) {
      once(build).onSuccess(lines -> sink.finish(lines, end(build))).onFailure(ctx::fail);
    } else {
      new Follower(ctx, sink, build).tick();
    }
  }

  /** The SSE end event: how the build ended. */
  private static JsonObject end(Build build) {
    JsonObject end = new JsonObject().put("status", build.status().value());
    if (build.reason() != null) {
      end.put("reason", build.reason().code());
    }
    if (build.message() != null) {
      end.put("message", build.message());
    }
    return end;
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
    private final LogSink sink;
    private final Build first;
    private final LogCursor cursor = new LogCursor();
    private String pod;
    private int sent;
    private boolean closed;
    private long lastWrite = System.nanoTime();

    Follower(RoutingContext ctx, LogSink sink, Build first) {
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
          .onFailure(e -> sink.fail());
    }

    private void after(Build build) {
      if (!build.status().isTerminal()) {
        if (System.nanoTime() - lastWrite > HEARTBEAT.toNanos()) {
          sink.heartbeat();
          lastWrite = System.nanoTime();
        }
        vertx.setTimer(POLL.toMillis(), id -> tick());
        return;
      }
      // the saved log is complete unless truncated: send what the pod did not give us yet
      builds
          .savedLog(build.id())
          .onComplete(
              saved -> {
                Optional<BuildLog> log = saved.succeeded() ? saved.result() : Optional.empty();
                List<String> rest =
                    log.filter(l -> !l.truncated())
                        .map(l -> l.text().lines().skip(sent).toList())
                        .orElse(List.of());
                sink.finish(rest, end(build));
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
            return pods.linesSince(pod, cursor.since())
                .map(
                    lines -> {
                      for (BuildPods.Line line : cursor.next(lines, BuildPods.Line::time)) {
                        sink.line(line.text());
                        sent++;
                        lastWrite = System.nanoTime();
                      }
                      return null;
                    });
          });
    }
  }
}
