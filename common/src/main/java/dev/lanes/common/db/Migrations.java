package dev.lanes.common.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings the schema up to date with Flyway. Every service may call this at start-up: Flyway takes a
 * lock in the database, so replicas starting together apply each migration once. Blocking.
 */
public final class Migrations {

  private Migrations() {}

  public static MigrateResult migrate(DbConfig config) {
    return Flyway.configure()
        .dataSource(config.jdbcUrl(), config.user(), config.password().reveal())
        .locations("classpath:db/migration")
        .connectRetries(10)
        .load()
        .migrate();
  }
}
