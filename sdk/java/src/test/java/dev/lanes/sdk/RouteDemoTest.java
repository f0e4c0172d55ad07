package dev.lanes.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The example program, run as a user runs it: a single-file Java program on the SDK's class path.
 */
class RouteDemoTest {

  @Test
  void routesDevToItsLaneAndQaToProd() throws Exception {
    try (FakeRegistry registry =
        new FakeRegistry(Map.of("web", Map.of("lanes", List.of("dev", "prod"), "port", 8080)), 1)
            .start()) {
      Process p =
          new ProcessBuilder(
                  System.getProperty("java.home")
                      + File.separator
                      + "bin"
                      + File.separator
                      + "java",
                  "-cp",
                  System.getProperty("java.class.path"),
                  "examples/RouteDemo.java",
                  "--registry",
                  registry.url(),
                  "--app",
                  "web")
              .redirectErrorStream(true)
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(out).isZero();
      assertThat(out)
          .contains("x-lane: dev -> http://web-dev:8080/")
          .contains("x-lane: qa -> http://web:8080/");
    }
  }
}
