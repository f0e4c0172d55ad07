package dev.lanes.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import java.util.concurrent.TimeUnit;

/**
 * {@code /healthz} answers while the process serves requests (liveness); {@code /readyz} only while
 * Postgres answers too (readiness), so a load balancer stops sending traffic it could not serve.
 */
final class HealthHandler {

  private static final long DB_CHECK_TIMEOUT_MS = 2000;

  private final SqlClient db;

  HealthHandler(SqlClient db) {
    this.db = db;
  }

  void live(RoutingContext ctx) {
    send(ctx, 200, new JsonObject().put("status", "ok"));
  }

  void ready(RoutingContext ctx) {
    pingDatabase()
        .onComplete(
            done -> {
              boolean up = done.succeeded();
              JsonObject body =
                  new JsonObject()
                      .put("status", up ? "ready" : "unavailable")
                      .put("checks", new JsonObject().put("postgres", up ? "up" : "down"));
              if (!up) {
                ctx.response().putHeader("Retry-After", "5");
              }
              send(ctx, up ? 200 : 503, body);
            });
  }

  private Future<Void> pingDatabase() {
    return db.query("select 1")
        .execute()
        .timeout(DB_CHECK_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .mapEmpty();
  }

  private static void send(RoutingContext ctx, int status, JsonObject body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(body.toBuffer());
  }
}
