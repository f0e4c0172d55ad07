package dev.lanes.platform;

import java.nio.file.Path;

/**
 * Starts the embedded database in the directory given, prints its port, and halts the JVM without
 * stopping it: what a crash (kill -9, OOM) leaves behind. Run by {@link EmbeddedDatabaseTest} in a
 * separate JVM.
 */
public final class CrashingDatabaseMain {

  private CrashingDatabaseMain() {}

  public static void main(String[] args) throws Exception {
    EmbeddedDatabase db = EmbeddedDatabase.start(Path.of(args[0]));
    System.out.println("port=" + db.port());
    System.out.flush();
    Runtime.getRuntime().halt(0);
  }
}
