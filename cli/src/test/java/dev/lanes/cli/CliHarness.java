package dev.lanes.cli;

import dev.lanes.platform.LanesPlatform;
import dev.lanes.platform.PlatformConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real platform on its embedded defaults (embedded PostgreSQL, the sandbox cluster), started once
 * per test class, and the CLI run against it in-process as a user would run {@code lanes}:
 * arguments in; exit code, standard output and standard error out.
 */
final class CliHarness implements AutoCloseable {

  static final String ADMIN_KEY = "lanes_cli-test-admin-key";

  /** What one run of {@code lanes} did. */
  record Run(int exit, String out, String err) {}

  private final LanesPlatform platform;
  private final Path dir;
  private final Map<String, String> env = new HashMap<>();

  private CliHarness(LanesPlatform platform, Path dir) {
    this.platform = platform;
    this.dir = dir;
    env.put("LANES_URL", url());
    env.put("LANES_API_KEY", ADMIN_KEY);
    env.put("LANES_CONFIG", dir.resolve("lanes-config.yaml").toString());
  }

  /** Starts the platform with data in {@code dir}; {@code extra} adds to its environment. */
  static CliHarness start(Path dir, Map<String, String> extra) throws Exception {
    Map<String, String> config = new HashMap<>();
    config.put("LANES_DATA_DIR", dir.resolve("data").toString());
    config.put("HTTP_PORT", "0");
    config.put("REGISTRY_HTTP_PORT", "0");
    config.put("BIND_ADDRESS", "127.0.0.1");
    config.put("API_TOKEN", ADMIN_KEY);
    config.put("SANDBOX_STEP_DELAY", "30ms");
    config.putAll(extra);
    return new CliHarness(LanesPlatform.start(PlatformConfig.from(config)), dir);
  }

  String url() {
    return "http://127.0.0.1:" + platform.apiPort();
  }

  int registryPort() {
    return platform.registryPort();
  }

  LanesPlatform platform() {
    return platform;
  }

  /** The environment the CLI sees: LANES_URL, LANES_API_KEY and a private LANES_CONFIG. */
  Map<String, String> env() {
    return env;
  }

  /** Runs {@code lanes args...} with the harness's environment. */
  Run lanes(String... args) {
    return lanesWith(env, args);
  }

  /** Runs {@code lanes args...} with {@code environment} instead. */
  static Run lanesWith(Map<String, String> environment, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LanesCli.run(args, new PrintWriter(out), new PrintWriter(err), environment);
    return new Run(exit, out.toString(), err.toString());
  }

  Path dir() {
    return dir;
  }

  @Override
  public void close() {
    platform.close();
  }
}
