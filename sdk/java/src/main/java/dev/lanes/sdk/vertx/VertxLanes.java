package dev.lanes.sdk.vertx;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The lane kept in a Vert.x request's (duplicated) context, where it follows the request across
 * asynchronous steps. Only loaded when Vert.x is on the class path.
 */
public final class VertxLanes {

  static final Object KEY = new Object();

  private VertxLanes() {}

  /** The lane of the request whose context is current, or {@code null}. */
  public static String current() {
    Context context = Vertx.currentContext();
    return context instanceof ContextInternal c ? c.getLocal(KEY) : null;
  }

  static void set(String lane) {
    Context context = Vertx.currentContext();
    if (context instanceof ContextInternal c && c.isDuplicate()) {
      // only a request's duplicated context: a lane on the event loop's own context would leak
      // into every other request it serves
      c.putLocal(KEY, lane);
    }
  }
}
