package dev.lanes.gateway.http;

import dev.lanes.common.json.Json;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/** Adapts a handler method that answers a {@code Future<Reply>} to a Vert.x route handler. */
final class Routes {

  private static final String JSON = "application/json";

  private Routes() {}

  static Handler<RoutingContext> json(Function<RoutingContext, Future<Reply>> method) {
    return ctx -> {
      Future<Reply> reply;
      try {
        reply = method.apply(ctx);
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      reply.onSuccess(r -> write(ctx, r)).onFailure(ctx::fail);
    };
  }

  static void write(RoutingContext ctx, Reply reply) {
    if (ctx.response().ended()) {
      return;
    }
    var response = ctx.response().setStatusCode(reply.status());
    reply.headers().forEach(response::putHeader);
    if (reply.status() == 204) {
      response.end();
      return;
    }
    byte[] body = Json.write(new Reply.Envelope(reply.data(), Cursor.encode(reply.nextAfter())));
    response.putHeader("Content-Type", JSON).end(Buffer.buffer(body));
  }
}
