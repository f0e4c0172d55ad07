package dev.lanes.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a process's /metrics serves follows Prometheus' naming rules. */
class PrometheusNamingTest {

  private static LanesVertx.Instance instance;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    instance = LanesVertx.create();
  }

  @AfterAll
  static void stop() {
    instance.vertx().close().timeout(30, TimeUnit.SECONDS).await();
  }

  @Test
  void theJvmMetricsUseBaseUnitsAndNoCountSuffixOnAGauge() {
    String scrape = instance.registry().scrape();

    assertThat(scrape)
        .doesNotContain("jvm_compilation_time_ms_total")
        .doesNotContain("process_cpu_time_ns_total")
        .doesNotContain("system_cpu_count")
        .contains("jvm_compilation_seconds_total")
        .contains("process_cpu_seconds_total")
        .contains("system_cpus ");
  }

  /**
   * promtool is built from its Go module by .ci/run (into ~/.cache/lanes/tools/bin); where it has
   * not been built, this check is skipped and the one above still holds.
   */
  @Test
  void promtoolFindsNothingToWarnAbout() throws Exception {
    Optional<Path> promtool = promtool();
    assumeTrue(promtool.isPresent(), "promtool is not built here");
    Path metrics = dir.resolve("metrics.txt");
    Files.writeString(metrics, instance.registry().scrape());
    Path out = dir.resolve("promtool.out");
    Process p =
        new ProcessBuilder(promtool.get().toString(), "check", "metrics")
            .redirectInput(metrics.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String said = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(said).isZero();
    assertThat(said).isBlank();
  }

  private static Optional<Path> promtool() {
    Path cached = Path.of(System.getProperty("user.home"), ".cache/lanes/tools/bin/promtool");
    if (Files.isExecutable(cached)) {
      return Optional.of(cached);
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(d, "promtool"))) {
        return Optional.of(Path.of(d, "promtool"));
      }
    }
    return Optional.empty();
  }
}
