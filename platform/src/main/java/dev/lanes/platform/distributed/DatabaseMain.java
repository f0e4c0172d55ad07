package dev.lanes.platform.distributed;

import dev.lanes.platform.EmbeddedDatabase;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded PostgreSQL on its own, for {@code make run-distributed}: prints the {@code
 * DATABASE_URL} the services use and runs until stopped.
 *
 * <p>Usage: {@code DatabaseMain <data directory>}.
 */
public final class DatabaseMain {

  private DatabaseMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: DatabaseMain <data directory>");
      System.exit(2);
    }
    EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]).toAbsolutePath());
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
