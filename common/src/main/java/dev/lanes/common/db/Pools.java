package dev.lanes.common.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Creates the reactive Postgres pools the services use. */
public final class Pools {

  private Pools() {}

  /**
   * A pool of {@code size} connections. A verticle that owns its pool (one per event loop) gets
   * connections bound to its own context, which avoids hopping between event loops on every query.
   */
  public static Pool create(Vertx vertx, DbConfig config, int size, String name) {
    return PgBuilder.pool()
        .with(
            new PoolOptions()
                .setMaxSize(size)
                .setName(name)
                .setShared(false)
                .setMaxWaitQueueSize(10_000)
                .setConnectionTimeout(5)
                .setIdleTimeout(300))
        .connectingTo(config.connectOptions())
        .using(vertx)
        .build();
  }
}
