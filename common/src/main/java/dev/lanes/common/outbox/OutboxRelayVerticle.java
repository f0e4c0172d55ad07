package dev.lanes.common.outbox;

import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.messaging.Messaging;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

/** Runs an {@link OutboxRelay} with its own small pool. */
public final class OutboxRelayVerticle extends VerticleBase {

  private final DbConfig db;
  private final Messaging messaging;
  private final OutboxRelay.Settings settings;
  private Pool pool;
  private OutboxRelay relay;

  public OutboxRelayVerticle(DbConfig db, Messaging messaging, OutboxRelay.Settings settings) {
    this.db = db;
    this.messaging = messaging;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    pool = Database.pool(vertx, db, 3, "outbox-relay");
    relay = new OutboxRelay(vertx, pool, db.connectOptions(), messaging, settings);
    return relay.start();
  }

  @Override
  public Future<?> stop() {
    return relay.stop().eventually(() -> pool.close());
  }
}
