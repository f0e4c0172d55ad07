package dev.lanes.gateway.audit;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.http.RequestIds;
import dev.lanes.gateway.auth.Principal;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

/** The {@link Actor} of an authenticated request. */
public final class Actors {

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
    return new Actor(p.keyId(), p.keyName(), source(ctx), RequestIds.of(ctx));
  }

  /** The client's address: the peer of the connection (the API has no trusted proxy header). */
  static String source(RoutingContext ctx) {
    SocketAddress peer = ctx.request().remoteAddress();
    return peer == null ? null : peer.hostAddress();
  }
}
