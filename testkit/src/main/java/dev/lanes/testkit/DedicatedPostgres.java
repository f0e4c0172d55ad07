package dev.lanes.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL of a test's own, which the test may stop and start again on the same port and data,
 * to see how the platform behaves while its database is away.
 */
public final class DedicatedPostgres implements AutoCloseable {

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private DedicatedPostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  public static DedicatedPostgres start() {
    try (ServerSocket s = new ServerSocket(0)) {
      DedicatedPostgres pg =
          new DedicatedPostgres(Files.createTempDirectory("lanes-dedicated-pg"), s.getLocalPort());
      s.close();
      pg.resume();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return port;
  }

  /** Where to connect: database {@code postgres}, user {@code postgres}, no password. */
  public TestPostgres.Database database() {
    return new TestPostgres.Database("127.0.0.1", port, "postgres", "postgres", "");
  }

  /** Stops the server; connections to it fail until {@link #resume()}. */
  public void pause() {
    try {
      server.close();
      server = null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again on the same port and data. */
  public void resume() {
    try {
      server =
          EmbeddedPostgres.builder()
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setPort(port)
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (server != null) {
      pause();
    }
  }
}
