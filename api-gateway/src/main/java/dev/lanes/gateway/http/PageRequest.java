package dev.lanes.gateway.http;

import dev.lanes.common.validation.Validation;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code ?limit=} and {@code ?cursor=} of a list request.
 *
 * @param after the last name of the previous page, {@code ""} for the first page
 */
public record PageRequest(String after, int limit) {

  public static final int DEFAULT_LIMIT = 100;
  public static final int MAX_LIMIT = 500;

  /**
   * @throws dev.lanes.common.error.ClientError {@code validation_failed} for a bad limit or cursor
   */
  public static PageRequest from(RoutingContext ctx) {
    Validation v = new Validation();
    int limit = DEFAULT_LIMIT;
    String raw = ctx.request().getParam("limit");
    if (raw != null) {
      try {
        limit = Integer.parseInt(raw);
        v.check(
            limit >= 1 && limit <= MAX_LIMIT,
            "limit",
            "must be 1.." + MAX_LIMIT + ", got " + limit);
      } catch (NumberFormatException e) {
        v.add("limit", "must be an integer 1.." + MAX_LIMIT);
      }
    }
    v.throwIfInvalid();
    return new PageRequest(Cursor.decode(ctx.request().getParam("cursor")), limit);
  }
}
