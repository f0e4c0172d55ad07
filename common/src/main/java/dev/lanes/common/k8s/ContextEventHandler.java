package dev.lanes.common.k8s;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informer callbacks moved onto a Vert.x context: fabric8 calls them on its own thread, a service's
 * state lives on its verticle's context. Adds and updates go to {@code changed}, deletes to {@code
 * deleted}; a failure is logged, the next event comes anyway.
 */
public final class ContextEventHandler<T> implements ResourceEventHandler<T> {

  private static final Logger LOG = LoggerFactory.getLogger(ContextEventHandler.class);

  private final Context context;
  private final Function<T, Future<Void>> changed;
  private final Function<T, Future<Void>> deleted;

  public ContextEventHandler(
      Context context, Function<T, Future<Void>> changed, Function<T, Future<Void>> deleted) {
    this.context = context;
    this.changed = changed;
    this.deleted = deleted;
  }

  @Override
  public void onAdd(T obj) {
    context.runOnContext(v -> changed.apply(obj).onFailure(ContextEventHandler::warn));
  }

  @Override
  public void onUpdate(T before, T after) {
    context.runOnContext(v -> changed.apply(after).onFailure(ContextEventHandler::warn));
  }

  @Override
  public void onDelete(T obj, boolean unknownFinalState) {
    context.runOnContext(v -> deleted.apply(obj).onFailure(ContextEventHandler::warn));
  }

  private static void warn(Throwable e) {
    LOG.warn("handling a cluster change: {}", e.toString());
  }
}
