package dev.lanes.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One PostgreSQL per test JVM: an embedded one (zonky), or the server of {@code DATABASE_URL} when
 * that is set, so the same tests run against an external Postgres. Each {@link #newDatabase()} is a
 * fresh, empty database, so test classes never see each other's rows.
 */
public final class TestPostgres {

  /** Where one test database is. */
  public record Database(String host, int port, String name, String user, String password) {

    public String jdbcUrl() {
      return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    /** A {@code postgres://} URL, the form of {@code DATABASE_URL}. */
    public String url() {
      String auth = password.isEmpty() ? user : user + ":" + password;
      return "postgres://" + auth + "@" + host + ":" + port + "/" + name;
    }
  }

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static Database server;

  private TestPostgres() {}

  /** A new empty database on the shared server. */
  public static synchronized Database newDatabase() {
    Database admin = server();
    String name = "lanes_test_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c =
            DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
        Statement s = c.createStatement()) {
      s.execute("create database " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create test database " + name, e);
    }
    return new Database(admin.host(), admin.port(), name, admin.user(), admin.password());
  }

  private static Database server() {
    if (server == null) {
      String url = System.getenv("DATABASE_URL");
      server = url == null || url.isBlank() ? startEmbedded() : fromUrl(url);
    }
    return server;
  }

  private static Database startEmbedded() {
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      pg.close();
                    } catch (IOException ignored) {
                      // the JVM is ending; nothing more to do
                    }
                  }));
      return new Database("127.0.0.1", pg.getPort(), "postgres", "postgres", "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
    }
  }

  private static Database fromUrl(String url) {
    URI uri = URI.create(url.replaceFirst("^postgres(ql)?://", "http://"));
    String[] userInfo =
        uri.getUserInfo() == null ? new String[] {"postgres"} : uri.getUserInfo().split(":", 2);
    return new Database(
        uri.getHost(),
        uri.getPort() < 0 ? 5432 : uri.getPort(),
        uri.getPath().replaceFirst("^/", ""),
        userInfo[0],
        userInfo.length > 1 ? userInfo[1] : "");
  }
}
