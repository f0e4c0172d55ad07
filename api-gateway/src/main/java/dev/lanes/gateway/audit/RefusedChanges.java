package dev.lanes.gateway.audit;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditEntry;
import dev.lanes.common.audit.AuditLog;
import dev.lanes.common.error.LanesException;
import dev.lanes.gateway.auth.Principal;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the changes an authenticated caller asked for and did not get. A change that was made is
 * recorded by its owner inside its transaction; one refused (4xx) or failed (5xx) changed nothing
 * there, so the gateway records it once it has answered. Requests without a valid key have no
 * actor: they are counted by {@link dev.lanes.gateway.auth.FailedAuthentications}, not logged here.
 */
public final class RefusedChanges {

  private static final Logger LOG = LoggerFactory.getLogger(RefusedChanges.class);

  private final SqlClient sql;

  public RefusedChanges(SqlClient sql) {
    this.sql = sql;
  }

  /**
   * A route handler, first on a route that changes something: it lets the request on and records
   * the answer if it was an error.
   *
   * @param idParam the path parameter naming the resource, or {@code null} (a create)
   */
  public Handler<RoutingContext> watch(AuditAction action, String idParam) {
    return ctx -> {
      ctx.addEndHandler(done -> recordIfRefused(ctx, action, idParam));
      ctx.next();
    };
  }

  private void recordIfRefused(RoutingContext ctx, AuditAction action, String idParam) {
    int status = ctx.response().getStatusCode();
    Principal principal = ctx.get(Principal.CONTEXT_KEY);
    if (status < 400 || principal == null) {
      return;
    }
    Actor actor = Actors.of(ctx);
    JsonObject details = new JsonObject().put("status", status);
    if (ctx.failure() instanceof LanesException e) {
      details.put("code", e.code().code());
    }
    ctx.pathParams().forEach(details::put);
    AuditEntry entry =
        new AuditEntry(
            actor,
            action,
            idParam == null ? null : ctx.pathParam(idParam),
            status >= 500 ? AuditEntry.Outcome.FAILED : AuditEntry.Outcome.REFUSED,
            details);
    AuditLog.append(sql, entry)
        .onFailure(
            e ->
                LOG.warn(
                    "could not record the refused {} of request {}: {}",
                    action.value(),
                    actor.requestId(),
                    e.toString()));
  }
}
