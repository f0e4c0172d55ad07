package dev.lanes.registry.http;

import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.error.ServerError;
import dev.lanes.common.http.ProblemHandler;
import dev.lanes.common.http.RequestIds;
import dev.lanes.registry.table.RouteBook;
import dev.lanes.registry.table.RouteEntry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The registry's read API: the whole table (with {@code ETag}, {@code If-None-Match} and
 * Consul-style blocking queries), one service's route, and the stream of changes.
 */
public final class RoutesHandler {

  static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  static final Duration MAX_WAIT = Duration.ofMinutes(5);

  private final RouteBook book;
  private final RouteFeed feed;
  private final BooleanSupplier ready;

  public RoutesHandler(RouteBook book, RouteFeed feed, BooleanSupplier ready) {
    this.book = book;
    this.feed = feed;
    this.ready = ready;
  }

  /** Mounts the routes on {@code router}, with the problem handler for their failures. */
  public void mount(Router router) {
    router.route("/v1/*").handler(new RequestIds());
    router.get("/v1/routes/stream").handler(this::stream);
    router.get("/v1/routes").handler(this::table);
    router.get("/v1/routes/").handler(this::table);
    router.get("/v1/routes/:service").handler(this::service);
    router.route("/v1/*").failureHandler(new ProblemHandler(path -> Set.of("GET")));
    router.route("/v1/*").handler(ctx -> ctx.fail(404));
  }

  /** Answers a query for the table with the table as it is now. */
  static void answer(RoutingContext ctx, RouteSnapshots snapshots) {
    JsonObject table = snapshots.json();
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ETAG, etag(table.getLong("version")))
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
        .end(snapshots.buffer());
  }

  private void table(RoutingContext ctx) {
    Query query = Query.of(ctx);
    requireReady();
    long version = book.version();
    if (query.index() != null && query.index() == version) {
      feed.await(ctx, query.holdFor());
      return;
    }
    if (query.index() == null && matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
      ctx.response().setStatusCode(304).putHeader(HttpHeaders.ETAG, etag(version)).end();
      return;
    }
    answer(ctx, feed.snapshots());
  }

  private void service(RoutingContext ctx) {
    requireReady();
    String name = ctx.pathParam("service");
    RouteEntry entry = book.route(name);
    if (entry == null) {
      throw new ClientError(
          ErrorCode.SERVICE_NOT_FOUND,
          "no lane of service '" + name + "' has a ready endpoint, or no such Service exists");
    }
    JsonObject body =
        new JsonObject()
            .put("service", name)
            .mergeIn(entry.toJson())
            .put("version", book.version())
            .put("updated_at", book.updatedAt().toString());
    ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ETAG, etag(book.version()))
        .end(body.toBuffer());
  }

  private void stream(RoutingContext ctx) {
    requireReady();
    String last = ctx.request().getHeader("Last-Event-ID");
    Long lastId = null;
    if (last != null && !last.isBlank()) {
      try {
        lastId = Long.parseLong(last.trim());
      } catch (NumberFormatException e) {
        lastId = null; // not one of ours: a snapshot puts the subscriber right
      }
    }
    feed.subscribe(ctx, lastId);
  }

  private void requireReady() {
    if (!ready.getAsBoolean()) {
      throw new ServerError(
          ErrorCode.REGISTRY_NOT_READY,
          "the registry is still listing Services and EndpointSlices",
          Duration.ofSeconds(1),
          null);
    }
  }

  private boolean matches(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return false;
    }
    String current = etag(book.version());
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.trim();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals(current) || t.equals("*")) {
        return true;
      }
    }
    return false;
  }

  private static String etag(long version) {
    return "\"" + version + "\"";
  }

  /** {@code ?index=N&wait=30s}, checked together so that both mistakes are reported at once. */
  record Query(Long index, Duration holdFor) {
    static Query of(RoutingContext ctx) {
      List<FieldError> errors = new ArrayList<>();
      String rawIndex = ctx.request().getParam("index");
      String rawWait = ctx.request().getParam("wait");
      Long index = null;
      if (rawIndex != null) {
        try {
          index = Long.parseLong(rawIndex);
          if (index < 0) {
            errors.add(new FieldError("index", "must be a non-negative integer"));
          }
        } catch (NumberFormatException e) {
          errors.add(new FieldError("index", "must be a non-negative integer"));
        }
      }
      Duration wait = DEFAULT_WAIT;
      if (rawWait != null) {
        try {
          wait =
              rawWait.matches("\\d+")
                  ? Duration.ofSeconds(Long.parseLong(rawWait))
                  : ConfigParsers.duration(rawWait);
          if (wait.isNegative()) {
            errors.add(new FieldError("wait", "must not be negative"));
          }
        } catch (IllegalArgumentException | ArithmeticException e) {
          errors.add(new FieldError("wait", "must be a duration such as 500ms, 30s or 5m"));
        }
      }
      if (!errors.isEmpty()) {
        throw ClientError.invalid(errors);
      }
      // capped, as Consul caps its blocking queries, rather than refused
      return new Query(index, wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait);
    }
  }
}
