package dev.lanes.common.concurrent;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.concurrent.Callable;

/**
 * The one way blocking work (the fabric8 client, JGit, files) leaves the event loop: a named pool
 * of worker threads, so blocking calls never stall an event loop and are easy to spot in a thread
 * dump.
 */
public final class Blocking {

  private final WorkerExecutor executor;

  public Blocking(Vertx vertx, String name, int threads) {
    this.executor = vertx.createSharedWorkerExecutor(name, threads);
  }

  /** Runs {@code work} on a worker thread; several calls may run at once. */
  public <T> Future<T> run(Callable<T> work) {
    return executor.executeBlocking(work, false);
  }

  public Future<Void> close() {
    return executor.close();
  }
}
