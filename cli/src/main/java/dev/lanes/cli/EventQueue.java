package dev.lanes.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A server-sent event stream read on its own thread and handed to the command's thread one event at
 * a time, so a command can wait for the next event with a timeout, watch a deadline or a status
 * meanwhile, and stop reading at any moment ({@link #close()} interrupts the reader, which unblocks
 * the JDK client's body stream).
 */
final class EventQueue implements AutoCloseable {

  /** Reads a stream, handing each event to the predicate until it answers false. */
  @FunctionalInterface
  interface Source {
    void read(Predicate<ApiClient.Event> handler);
  }

  /** What {@link #next} found: an event, nothing within the timeout, or the end of the stream. */
  record Next(ApiClient.Event event, boolean ended) {
    static final Next NOTHING = new Next(null, false);
  }

  private static final Object END = new Object();

  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile boolean closed;
  private volatile RuntimeException failure;
  private boolean ended;

  private EventQueue(Source source, String name) {
    reader = new Thread(() -> read(source), name);
    reader.setDaemon(true);
  }

  static EventQueue start(Source source, String name) {
    EventQueue q = new EventQueue(source, name);
    q.reader.start();
    return q;
  }

  private void read(Source source) {
    try {
      source.read(
          e -> {
            items.add(e);
            return !closed;
          });
    } catch (RuntimeException e) {
      if (!closed) {
        failure = e;
      }
    } finally {
      items.add(END);
    }
  }

  /** The next event, waiting at most {@code timeout}. */
  Next next(Duration timeout) throws InterruptedException {
    if (ended) {
      return new Next(null, true);
    }
    Object item = items.poll(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
    if (item == null) {
      return Next.NOTHING;
    }
    if (item == END) {
      ended = true;
      return new Next(null, true);
    }
    return new Next((ApiClient.Event) item, false);
  }

  /** Why the stream ended, when it was not the server ending it or {@link #close()}. */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /** Waits up to {@code timeout} for the reader to finish (the rest of a log), then stops it. */
  void drain(Duration timeout) throws InterruptedException {
    reader.join(Math.max(1, timeout.toMillis()));
    close();
  }

  @Override
  public void close() {
    closed = true;
    reader.interrupt();
  }
}
