package dev.lanes.common.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlClient;

/**
 * A service's connections to Postgres: a {@link #pool()} for transactions, and a pipelined {@link
 * #client()} for single statements. The client sends many queries down a few connections without
 * waiting for each answer, which serves a request with a fraction of the system calls and wake-ups
 * a connection per query costs (see docs/benchmarks.md); it cannot run transactions.
 */
public record Database(Pool pool, SqlClient client) {

  /** Connections of the pipelined client: few are needed, one more for a slow query. */
  public static final int PIPELINED_CONNECTIONS = 2;

  /**
   * Connections created by a verticle are bound to its event loop, so a request never leaves it.
   *
   * @param poolSize connections for transactions
   */
  public static Database create(Vertx vertx, DbConfig config, int poolSize, String name) {
    SqlClient client =
        PgBuilder.client()
            .with(options(name + "-pipelined", PIPELINED_CONNECTIONS))
            .connectingTo(config.connectOptions())
            .using(vertx)
            .build();
    return new Database(pool(vertx, config, poolSize, name), client);
  }

  /** A plain pool, for work that needs transactions only (start-up tasks, tests). */
  public static Pool pool(Vertx vertx, DbConfig config, int size, String name) {
    return PgBuilder.pool()
        .with(options(name, size))
        .connectingTo(config.connectOptions())
        .using(vertx)
        .build();
  }

  private static PoolOptions options(String name, int size) {
    return new PoolOptions()
        .setMaxSize(size)
        .setName(name)
        .setShared(false)
        .setMaxWaitQueueSize(10_000)
        .setConnectionTimeout(5)
        .setIdleTimeout(300);
  }

  public Future<Void> close() {
    return Future.all(pool.close(), client.close()).mapEmpty();
  }
}
