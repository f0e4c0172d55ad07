package dev.lanes.gateway.events;

import dev.lanes.common.db.Database;
import dev.lanes.common.messaging.Channels;
import dev.lanes.common.outbox.Outbox;
import dev.lanes.common.outbox.PublishedEvents;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's published events in order, for one gateway instance: it follows the outbox's
 * {@code seq} (woken by the relay's notification, and polling as well in case one is lost) and
 * hands each new event to the open streams; it also reads history for streams that resume. Confined
 * to the instance's context.
 */
public final class EventFeed {

  private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);
  private static final int PAGE = 500;

  /** Receives new events, on the feed's context. */
  public interface Listener {
    void event(PlatformEvent event);
  }

  private final Vertx vertx;
  private final Database db;
  private final PgConnectOptions connect;
  private final Duration pollEvery;
  private final Set<Listener> listeners = new LinkedHashSet<>();
  private PgSubscriber subscriber;
  private long timer = -1;
  private long cursor;
  private boolean fetching;
  private boolean fetchAgain;

  public EventFeed(Vertx vertx, Database db, PgConnectOptions connect, Duration pollEvery) {
    this.vertx = vertx;
    this.db = db;
    this.connect = connect;
    this.pollEvery = pollEvery;
  }

  /** Starts following from the newest published event. */
  public Future<Void> start() {
    return PublishedEvents.latestSeq(db.client())
        .map(seq -> cursor = seq)
        .compose(
            c -> {
              subscriber = PgSubscriber.subscriber(vertx, connect);
              subscriber.reconnectPolicy(retries -> 1000L);
              subscriber.channel(Outbox.EVENTS_CHANNEL).handler(payload -> fetch());
              timer = vertx.setPeriodic(pollEvery.toMillis(), id -> fetch());
              return subscriber
                  .connect()
                  .recover(
                      e -> {
                        LOG.warn("event feed cannot listen, polling only: {}", e.toString());
                        return Future.succeededFuture();
                      });
            });
  }

  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    listeners.clear();
    return subscriber == null ? Future.succeededFuture() : subscriber.close();
  }

  /** The seq of the newest event handed out so far. */
  public long cursor() {
    return cursor;
  }

  public void listen(Listener listener) {
    listeners.add(listener);
  }

  public void unlisten(Listener listener) {
    listeners.remove(listener);
  }

  public int listeners() {
    return listeners.size();
  }

  /**
   * Up to one page of events after {@code seq}, and the seq the page reached (which may be past the
   * last event when commands follow it).
   */
  public Future<Page> after(long seq) {
    return PublishedEvents.after(db.client(), seq, Channels.EVENTS, PAGE)
        .map(
            rows -> {
              List<PlatformEvent> events = new ArrayList<>();
              long reached = seq;
              for (PublishedEvents.Published row : rows) {
                reached = row.seq();
                if (row.message() != null) {
                  events.add(new PlatformEvent(reached, row.type(), row.message()));
                }
              }
              return new Page(events, reached, rows.size() == PAGE);
            });
  }

  /** A page of history: its events, how far it read, and whether there may be more. */
  public record Page(List<PlatformEvent> events, long reached, boolean more) {}

  private void fetch() {
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    after(cursor)
        .onComplete(
            done -> {
              fetching = false;
              if (done.failed()) {
                LOG.debug("event feed: {}", done.cause().toString());
                return;
              }
              Page page = done.result();
              cursor = page.reached();
              for (PlatformEvent e : page.events()) {
                for (Listener l : List.copyOf(listeners)) {
                  l.event(e);
                }
              }
              if (page.more() || fetchAgain) {
                fetchAgain = false;
                fetch();
              }
            });
  }
}
