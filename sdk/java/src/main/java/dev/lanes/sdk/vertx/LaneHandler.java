package dev.lanes.sdk.vertx;

import dev.lanes.sdk.Lanes;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Vert.x Web handler that reads the lane of an inbound request ({@code x-lane}, else the {@code
 * baggage} member {@code lane}) and makes it the current lane for the handlers after it, also
 * across their asynchronous steps:
 *
 * <pre>{@code
 * router.route().handler(new LaneHandler());
 * router.get("/items").handler(ctx -> client.getAbs(lanes.url("web", "/items"))...);
 * }</pre>
 */
public final class LaneHandler implements Handler<RoutingContext> {

  /** Where the lane is also kept on the routing context. */
  public static final String CONTEXT_KEY = "lanes.lane";

  @Override
  public void handle(RoutingContext ctx) {
    String lane = Lanes.fromHeaders(ctx.request()::getHeader);
    if (lane != null) {
      ctx.put(CONTEXT_KEY, lane);
      VertxLanes.set(lane);
    }
    Lanes.run(lane, ctx::next);
  }

  /** The lane of the request {@code ctx} serves, or {@code null}. */
  public static String lane(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }
}
