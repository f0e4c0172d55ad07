package dev.lanes.gateway.audit;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.http.RequestIds;
import dev.lanes.gateway.auth.Principal;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** The {@link Actor} of an authenticated request. */
public final class Actors {

  private static final String CHANGE_ID = "lanes.change-id";

  private Actors() {}

  /**
   * @throws IllegalStateException when the request was not authenticated: a route that changes
   *     something always is
   */
  public static Actor of(RoutingContext ctx) {
    Principal p = ctx.get(Principal.CONTEXT_KEY);
    if (p == null) {
      throw new IllegalStateException("no principal on " + ctx.request().path());
    }
    return new Actor(p.keyId(), p.keyName(), source(ctx), RequestIds.of(ctx), changeId(ctx));
  }

  /** The request's change id: made on first use, the same for the change and its refusal. */
  private static String changeId(RoutingContext ctx) {
    String id = ctx.get(CHANGE_ID);
    if (id == null) {
      id = UUID.randomUUID().toString();
      ctx.put(CHANGE_ID, id);
    }
    return id;
  }

  /** The client's address: the peer of the connection (the API has no trusted proxy header). */
  static String source(RoutingContext ctx) {
    SocketAddress peer = ctx.request().remoteAddress();
    return peer == null ? null : peer.hostAddress();
  }
}
