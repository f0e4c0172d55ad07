package dev.lanes.common.db;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.Secret;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** How to reach the Postgres that is the system of record. */
public record DbConfig(
    String host,
    int port,
    String database,
    String user,
    Secret password,
    SslMode sslMode,
    int poolSize) {

  public static final ConfigKey<Secret> DATABASE_URL =
      ConfigKey.secret(
          "DATABASE_URL",
          "PostgreSQL connection URL, postgres://user:password@host:5432/db?sslmode=require."
              + " Unset: an embedded PostgreSQL in LANES_DATA_DIR (make run only).");
  public static final ConfigKey<Integer> DATABASE_POOL_SIZE =
      ConfigKey.integer(
          "DATABASE_POOL_SIZE", 16, 1, 500, "Connections per service to PostgreSQL, all pools.");

  /** The configuration from {@code DATABASE_URL}, or {@code null} when it is unset. */
  public static DbConfig from(ConfigReader reader) {
    Secret url = reader.get(DATABASE_URL);
    Integer poolSize = reader.get(DATABASE_POOL_SIZE);
    if (url == null) {
      return null;
    }
    try {
      PgConnectOptions o = PgConnectOptions.fromUri(url.reveal());
      return new DbConfig(
          o.getHost(),
          o.getPort(),
          o.getDatabase(),
          o.getUser(),
          Secret.of(o.getPassword() == null ? "" : o.getPassword()),
          o.getSslMode() == null ? SslMode.DISABLE : o.getSslMode(),
          poolSize == null ? 16 : poolSize);
    } catch (RuntimeException e) {
      // The message of a parse failure may quote the URL, password included: never repeat it.
      reader.problem(
          "DATABASE_URL: expected postgres://user:password@host:port/database, could not parse it");
      return null;
    }
  }

  public static DbConfig local(String host, int port, String database, String user, int poolSize) {
    return new DbConfig(host, port, database, user, Secret.of(""), SslMode.DISABLE, poolSize);
  }

  public PgConnectOptions connectOptions() {
    return new PgConnectOptions()
        .setHost(host)
        .setPort(port)
        .setDatabase(database)
        .setUser(user)
        .setPassword(password.reveal())
        .setSslMode(sslMode)
        .setCachePreparedStatements(true)
        .setPipeliningLimit(256);
  }

  /** The JDBC URL Flyway uses (credentials are passed separately, never in the URL). */
  public String jdbcUrl() {
    return "jdbc:postgresql://"
        + host
        + ":"
        + port
        + "/"
        + URLEncoder.encode(database, StandardCharsets.UTF_8)
        + "?sslmode="
        + sslMode.value;
  }

  public DbConfig withPoolSize(int size) {
    return new DbConfig(host, port, database, user, password, sslMode, size);
  }

  @Override
  public String toString() {
    return "postgres://" + user + "@" + host + ":" + port + "/" + database;
  }
}
