package dev.lanes.platform.distributed;

import dev.lanes.platform.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded PostgreSQL on its own, for {@code make run-distributed}: prints the {@code
 * DATABASE_URL} the services use and runs until stopped.
 *
 * <p>Usage: {@code DatabaseMain <data directory> [port]}: with a fixed port the services reconnect
 * when it is restarted.
 */
public final class DatabaseMain {

  private DatabaseMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      System.err.println("usage: DatabaseMain <data directory> [port]");
      System.exit(2);
    }
    int port = args.length == 2 ? Integer.parseInt(args[1]) : 0;
    EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]).toAbsolutePath(), port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    db.close();
                  } catch (Exception e) {
                    System.err.println("stopping PostgreSQL: " + e);
                  }
                  stopped.countDown();
                },
                "postgres-shutdown"));
    System.out.println(
        "PostgreSQL listening, DATABASE_URL=postgres://postgres@127.0.0.1:"
            + db.port()
            + "/postgres");
    System.out.flush();
    stopped.await();
  }
}
