package dev.lanes.gateway.http;

import dev.lanes.common.domain.Scope;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.FieldError;
import dev.lanes.gateway.events.EventFeed;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;

/**
 * {@code GET /api/v1/events}: the platform's build, release and lane events as server-sent events
 * in CloudEvents form. Without {@code Last-Event-ID} it starts with the next event; with one (or
 * {@code ?last_event_id=}) it first replays what came after it.
 */
final class EventsHandler {

  private final Vertx vertx;
  private final EventFeed feed;
  private final Duration heartbeat;

  EventsHandler(Vertx vertx, EventFeed feed, Duration heartbeat) {
    this.vertx = vertx;
    this.feed = feed;
    this.heartbeat = heartbeat;
  }

  void mount(ApiRoutes routes) {
    routes.add(HttpMethod.GET, "/events", Scope.READ, this::stream);
  }

  private void stream(RoutingContext ctx) {
    EventFilter filter = EventFilter.of(ctx);
    Long last = lastEventId(ctx);
    EventStream stream =
        new EventStream(vertx, feed, ctx.response(), filter, last == null ? feed.cursor() : last);
    stream.open(last != null, heartbeat.toMillis());
  }

  private static Long lastEventId(RoutingContext ctx) {
    String raw = ctx.request().getHeader("Last-Event-ID");
    String field = "Last-Event-ID";
    if (raw == null || raw.isBlank()) {
      raw = ctx.request().getParam("last_event_id");
      field = "last_event_id";
    }
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      long id = Long.parseLong(raw.trim());
      if (id >= 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ClientError.invalid(
        List.of(new FieldError(field, "must be the id of an event this stream sent")));
  }
}
