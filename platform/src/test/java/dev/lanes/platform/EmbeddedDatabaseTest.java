package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedDatabaseTest {

  @TempDir Path dir;

  @Test
  void keepsDataAcrossRestarts() throws Exception {
    Path data = dir.resolve("pg");
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
      execute(db.port(), "create table kept (v text)", "insert into kept values ('still here')");
    }
    try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
      assertThat(query(db.port(), "select v from kept")).isEqualTo("still here");
    }
  }

  @Test
  void stopsAServerLeftRunningByACrashedJvmAndStartsOnTheSameData() throws Exception {
    Path data = dir.resolve("pg");
    int orphanPort = crashWithDatabaseRunning(data);
    long orphanPid =
        Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).contains(true);
    execute(orphanPort, "create table survived (v int)", "insert into survived values (42)");

    try (EmbeddedDatabase db = EmbeddedDatabase.start(data)) {
      assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(query(db.port(), "select v from survived")).isEqualTo("42");
    }
    assertThat(Files.exists(data.resolve("postmaster.pid"))).isFalse();
  }

  @Test
  void closingStopsTheServer() throws Exception {
    int port;
    try (EmbeddedDatabase db = EmbeddedDatabase.start(dir.resolve("pg"))) {
      port = db.port();
    }
    assertThat(accepts(port)).isFalse();
  }

  @Test
  void removesAPidFileWhoseProcessIsGone() throws Exception {
    Path data = Files.createDirectories(dir.resolve("stale"));
    Files.writeString(data.resolve("postmaster.pid"), "999999999\n" + data + "\n");
    EmbeddedDatabase.stopStaleServer(data);
    assertThat(Files.exists(data.resolve("postmaster.pid"))).isFalse();
  }

  private static int crashWithDatabaseRunning(Path data) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    CrashingDatabaseMain.class.getName(),
                    data.toString()))
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String portLine =
        output
            .lines()
            .filter(l -> l.startsWith("port="))
            .findFirst()
            .orElseThrow(() -> new AssertionError("the crashing JVM printed no port:\n" + output));
    return Integer.parseInt(portLine.substring(5).trim());
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void execute(int port, String... statements) throws Exception {
    try (Connection c = connect(port)) {
      for (String s : statements) {
        c.createStatement().execute(s);
      }
    }
  }

  private static String query(int port, String sql) throws Exception {
    try (Connection c = connect(port);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }
}
