package dev.lanes.sdk;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscribers;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The router's background loop: streams {@code /v1/routes/stream}, reconnecting with backoff and
 * {@code Last-Event-ID}; after three failed attempts in a row it long-polls {@code /v1/routes} for
 * a while, then streams again.
 *
 * <p>It runs on its own daemon thread with the JDK's {@link HttpClient}: the stream's lines are
 * pushed into a queue the thread waits on, which is how a silent stream is noticed and how {@link
 * #close()} ends a wait at once.
 */
final class Subscription implements Runnable {

  private static final System.Logger LOG = System.getLogger("dev.lanes.sdk");
  private static final int FAILURES_BEFORE_POLLING = 3;

  /** Marks the end of a stream in its queue; compared by identity. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String END = new String("end of stream");

  private final URI registry;
  private final LaneRouterOptions options;
  private final Supplier<RouteTable> current;
  private final Consumer<RouteTable> update;
  private final HttpClient http;
  private final Object lock = new Object();
  private volatile boolean closed;
  private volatile BlockingQueue<String> queue;
  private volatile CompletableFuture<?> inFlight;

  Subscription(
      URI registry,
      LaneRouterOptions options,
      Supplier<RouteTable> current,
      Consumer<RouteTable> update) {
    this.registry = registry;
    this.options = options;
    this.current = current;
    this.update = update;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  @Override
  public void run() {
    int failures = 0;
    long pollUntil = 0;
    Duration backoff = options.backoffInitial();
    while (!closed) {
      boolean polling = !options.stream() || System.nanoTime() - pollUntil < 0;
      boolean ok;
      try {
        ok = polling ? pollOnce() : streamOnce();
      } catch (IOException | RuntimeException e) {
        if (!closed) {
          LOG.log(Level.DEBUG, "route registry at {0}: {1}", registry, e.toString());
        }
        ok = false;
      } finally {
        inFlight = null;
        queue = null;
      }
      if (closed) {
        break;
      }
      if (ok) {
        failures = 0;
        backoff = options.backoffInitial();
        if (!polling) {
          pause(jitter(backoff));
        }
        continue;
      }
      if (!polling && ++failures >= FAILURES_BEFORE_POLLING) {
        LOG.log(
            Level.WARNING,
            "route stream at {0} failed {1} times; long-polling for {2}",
            registry,
            failures,
            options.pollPeriod());
        pollUntil = System.nanoTime() + options.pollPeriod().toNanos();
        failures = 0;
      }
      pause(jitter(backoff));
      Duration doubled = backoff.multipliedBy(2);
      backoff = doubled.compareTo(options.backoffMax()) > 0 ? options.backoffMax() : doubled;
    }
  }

  /** Stops the loop and ends whatever it is waiting for. */
  void close() {
    closed = true;
    synchronized (lock) {
      lock.notifyAll();
    }
    BlockingQueue<String> lines = queue;
    if (lines != null) {
      lines.add(END);
    }
    CompletableFuture<?> f = inFlight;
    if (f != null) {
      f.cancel(true);
    }
  }

  /**
   * One stream: applies events until it ends, goes silent for the heartbeat timeout, or the router
   * closes. Whether it delivered anything (an event or a heartbeat) decides if it counts as a
   * failure.
   */
  private boolean streamOnce() throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(registry.resolve("v1/routes/stream"))
            .header("Accept", "text/event-stream")
            .timeout(options.heartbeatTimeout());
    RouteTable table = current.get();
    if (table != null) {
      request.header("Last-Event-ID", Long.toString(table.version()));
    }
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    queue = lines;
    LineSink sink = new LineSink(lines);
    CompletableFuture<HttpResponse<Void>> response =
        http.sendAsync(
            request.build(),
            info -> {
              String type = info.headers().firstValue("Content-Type").orElse("");
              if (info.statusCode() != 200 || !type.startsWith("text/event-stream")) {
                LOG.log(
                    Level.DEBUG, "route stream at {0} answered {1}", registry, info.statusCode());
                lines.add(END);
                return BodySubscribers.discarding();
              }
              return BodySubscribers.fromLineSubscriber(sink);
            });
    inFlight = response;
    response.whenComplete((r, e) -> lines.add(END));
    if (closed) {
      lines.add(END);
    }
    boolean received = false;
    SseParser parser = new SseParser();
    try {
      while (!closed) {
        String line = lines.poll(options.heartbeatTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (line == null) {
          LOG.log(Level.INFO, "route stream at {0} went silent; reconnecting", registry);
          break;
        }
        if (line == END) {
          break;
        }
        if (line.startsWith(":")) {
          received = true;
        }
        SseParser.Event event = parser.line(line);
        if (event == null) {
          continue;
        }
        received = true;
        TableUpdate result = TableUpdate.apply(current.get(), event.name(), event.data());
        if (result.outcome() == TableUpdate.Outcome.APPLIED) {
          update.accept(result.table());
        } else if (result.outcome() == TableUpdate.Outcome.IGNORED) {
          LOG.log(
              Level.WARNING, "ignored a malformed or stale {0} from {1}", event.name(), registry);
        } else {
          LOG.log(Level.INFO, "route delta out of order from {0}; resubscribing", registry);
          break;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      // cancelling the body drops the connection; the registry sees the subscriber leave
      sink.cancel();
      response.cancel(true);
    }
    if (!received && !closed && response.isCompletedExceptionally()) {
      try {
        response.join();
      } catch (CompletionException | CancellationException e) {
        throw new IOException(e.getCause() == null ? e : e.getCause());
      }
    }
    return received;
  }

  /** One blocking query: the table once the version moves or the wait ends. */
  private boolean pollOnce() throws IOException {
    RouteTable table = current.get();
    String query = "v1/routes?wait=" + options.pollWait().toSeconds() + "s";
    if (table != null) {
      query += "&index=" + table.version();
    }
    HttpRequest request =
        HttpRequest.newBuilder(registry.resolve(query))
            .header("Accept", "application/json")
            .timeout(options.pollWait().plusSeconds(10))
            .build();
    CompletableFuture<HttpResponse<String>> sent =
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    inFlight = sent;
    if (closed) {
      sent.cancel(true);
    }
    HttpResponse<String> response;
    try {
      response = sent.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      sent.cancel(true);
      return false;
    } catch (ExecutionException | CancellationException e) {
      throw new IOException(e.getCause() == null ? e : e.getCause());
    }
    if (response.statusCode() != 200) {
      return false;
    }
    TableUpdate result = TableUpdate.apply(table, "snapshot", response.body());
    if (result.outcome() != TableUpdate.Outcome.APPLIED) {
      LOG.log(Level.WARNING, "ignored a malformed route table from {0}", registry);
      return false;
    }
    if (table != null && result.table().version() == table.version()) {
      // unchanged: do not ask again at once, in case the registry answers without waiting
      pause(options.backoffInitial());
    } else {
      update.accept(result.table());
    }
    return true;
  }

  private static Duration jitter(Duration d) {
    long ms = d.toMillis();
    return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
  }

  private void pause(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    synchronized (lock) {
      long left;
      while (!closed && (left = until - System.nanoTime()) > 0) {
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Receives the stream's lines from the HTTP client; cancelling it drops the connection. */
  private static final class LineSink implements Flow.Subscriber<String> {
    private final BlockingQueue<String> lines;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    LineSink(BlockingQueue<String> lines) {
      this.lines = lines;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      lines.add(line);
    }

    @Override
    public void onError(Throwable t) {
      lines.add(END);
    }

    @Override
    public void onComplete() {
      lines.add(END);
    }

    void cancel() {
      cancelled = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
