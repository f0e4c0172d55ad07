package dev.lanes.platform;

import dev.lanes.common.db.DbConfig;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL that {@code make run} uses when {@code DATABASE_URL} is unset: zonky's embedded
 * server on a persistent data directory, so data survives restarts. A server left running by a JVM
 * that died without stopping it is stopped first; otherwise the new one could not start.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private static final Duration STALE_STOP_WAIT = Duration.ofSeconds(15);

  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts (and on first use creates) the database in {@code dataDir}. Blocking. */
  public static EmbeddedDatabase start(Path dataDir) throws IOException {
    return start(dataDir, 0);
  }

  /**
   * @param port where to listen, {@code 0} for any free port; a fixed one lets separate processes
   *     reconnect after a restart
   */
  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    stopStaleServer(dataDir);
    EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDir)
            .setCleanDataDirectory(false)
            .setPGStartupWait(Duration.ofSeconds(60))
            .setServerConfig("max_connections", "200")
            .setPort(port)
            .setPgBinaryResolver(EmbeddedDatabase::binaries)
            // the platform stops it in order, after the services that use it
            .setRegisterShutdownHook(false)
            .start();
    return new EmbeddedDatabase(pg);
  }

  /**
   * The PostgreSQL binaries for this machine. zonky's default resolver refuses to choose when its
   * binaries jar is on the class path twice, which happens when this module's runnable jar (whose
   * manifest lists lib/) is itself a dependency, as in the CLI's tests: both copies are the same
   * file, so the first one is taken.
   */
  private static InputStream binaries(String system, String hardware) throws IOException {
    String os = system.toLowerCase(Locale.ROOT);
    String arch = hardware.equals("amd64") ? "x86_64" : hardware;
    String name = "postgres-" + os + "-" + arch + ".txz";
    URL url = EmbeddedDatabase.class.getClassLoader().getResource(name);
    if (url == null) {
      throw new IOException("no PostgreSQL binaries " + name + " on the class path");
    }
    return url.openStream();
  }

  public DbConfig config(int poolSize) {
    return DbConfig.local("127.0.0.1", postgres.getPort(), "postgres", "postgres", poolSize);
  }

  public int port() {
    return postgres.getPort();
  }

  /** Stops the server (fast shutdown) and waits for it. */
  @Override
  public void close() throws IOException {
    postgres.close();
  }

  /**
   * Stops the postmaster named by a {@code postmaster.pid} that outlived its JVM, and removes a pid
   * file whose process is gone or is not postgres.
   */
  static void stopStaleServer(Path dataDir) throws IOException {
    Path pidFile = dataDir.resolve("postmaster.pid");
    Optional<Long> pid = readPid(pidFile);
    if (pid.isEmpty()) {
      return;
    }
    Optional<ProcessHandle> process =
        ProcessHandle.of(pid.get()).filter(EmbeddedDatabase::isPostgres);
    if (process.isPresent()) {
      LOG.warn("stopping PostgreSQL (pid {}) left running by an earlier crash", pid.get());
      ProcessHandle p = process.get();
      p.destroy(); // SIGTERM: a smart shutdown, nothing is connected to it any more
      if (!waitForExit(p, STALE_STOP_WAIT)) {
        LOG.warn("PostgreSQL (pid {}) did not stop in {}; killing it", pid.get(), STALE_STOP_WAIT);
        p.destroyForcibly();
        waitForExit(p, STALE_STOP_WAIT);
      }
    }
    Files.deleteIfExists(pidFile);
  }

  private static boolean waitForExit(ProcessHandle p, Duration wait) {
    try {
      p.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    } catch (ExecutionException e) {
      return !p.isAlive();
    }
  }

  private static Optional<Long> readPid(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    try {
      return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.get(0).trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static boolean isPostgres(ProcessHandle p) {
    String command = p.info().command().orElse("");
    if (command.endsWith("/postgres") || command.endsWith("/postmaster")) {
      return true;
    }
    // the command is not always readable (another user's process): ask /proc directly
    try {
      String cmdline = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      return cmdline.contains("postgres");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
