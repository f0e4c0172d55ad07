package dev.lanes.walkthrough;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.lanes.platform.LanesPlatform;
import dev.lanes.platform.PlatformConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README.md, executed: its shell blocks run in order in one bash session against a platform started
 * as {@code make run} starts it (embedded PostgreSQL, the sandbox), and each block's output holds
 * what its {@code # -> } comments promise, in order. Only what cannot be the same in a test is
 * changed: the ports (free ones, not 8080 and 8081), {@code /tmp/web} and the data directory
 * (temporary ones), the admin key's placeholder, and streams that a reader stops with Ctrl-C end
 * after a few seconds.
 */
class ReadmeWalkThroughTest {

  private static final String KEY = "lanes_readme-walk-through-key";
  private static final String MARK = "@@walkthrough block ";

  @TempDir Path dir;

  /** The platform's variables that choose its cluster: none, the sandbox. */
  Map<String, String> clusterEnv() {
    return Map.of();
  }

  /** The kubeconfig a reader passes to kubectl. */
  Path kubeconfig() {
    return dir.resolve("data/sandbox/kubeconfig");
  }

  @Test
  void theReadmeRunsTopToBottomAndPrintsWhatItSays() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Path jar = root.resolve("cli/target/lanes-cli.jar");
    assertThat(jar).as("bin/lanes needs the CLI's jar: build the cli module first").exists();
    String markdown = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);

    try (LanesPlatform platform = LanesPlatform.start(config())) {
      ReadmeScript readme = ReadmeScript.parse(adapt(markdown, platform));
      assertThat(readme.blocks()).hasSizeGreaterThan(5);
      String script = script(readme);
      String output = run(root, script, platform);
      // kept for review: what a reader following the README would have seen
      Files.writeString(Path.of("target/" + getClass().getSimpleName() + ".out"), output);
      check(readme, output);
    }
  }

  private PlatformConfig config() {
    Map<String, String> env =
        new HashMap<>(
            Map.of(
                "LANES_DATA_DIR", dir.resolve("data").toString(),
                "HTTP_PORT", "0",
                "REGISTRY_HTTP_PORT", "0",
                "BIND_ADDRESS", "127.0.0.1",
                "API_TOKEN", KEY,
                "SANDBOX_STEP_DELAY", "50ms"));
    env.putAll(clusterEnv());
    return PlatformConfig.from(env);
  }

  private String script(ReadmeScript readme) {
    StringBuilder s = new StringBuilder("set -u\n");
    for (int i = 0; i < readme.blocks().size(); i++) {
      s.append("echo '").append(MARK).append(i).append("'\n");
      s.append(readme.blocks().get(i).script()).append('\n');
    }
    s.append("echo '").append(MARK).append("end'\n");
    return s.toString();
  }

  private String adapt(String markdown, LanesPlatform platform) {
    return markdown
        .replace("http://localhost:8080", "http://127.0.0.1:" + platform.apiPort())
        .replace("localhost:8081", "127.0.0.1:" + platform.registryPort())
        .replace("LANES_API_KEY=lanes_...", "LANES_API_KEY=" + KEY)
        .replace("/tmp/web", dir.resolve("web").toString())
        .replace(".lanes/sandbox/kubeconfig", kubeconfig().toString())
        // a reader stops these streams with Ctrl-C
        .replace("curl -sN ", "curl -sN --max-time 3 ");
  }

  private String run(Path root, String script, LanesPlatform platform) throws Exception {
    Path file = dir.resolve("readme.sh");
    Files.writeString(file, script);
    Path out = dir.resolve("readme.out");
    ProcessBuilder pb =
        new ProcessBuilder("bash", file.toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    Map<String, String> env = pb.environment();
    env.putAll(environment(platform));
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      fail("the README did not finish within 10 minutes:\n" + Files.readString(out));
    }
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  private Map<String, String> environment(LanesPlatform platform) {
    Map<String, String> env = new HashMap<>();
    env.put("LANES_URL", "http://127.0.0.1:" + platform.apiPort());
    env.put("LANES_CONFIG", dir.resolve("lanes-config.yaml").toString());
    env.remove("LANES_API_KEY");
    env.put("GIT_AUTHOR_NAME", "Readme");
    env.put("GIT_AUTHOR_EMAIL", "readme@example.com");
    env.put("GIT_COMMITTER_NAME", "Readme");
    env.put("GIT_COMMITTER_EMAIL", "readme@example.com");
    env.put("NO_COLOR", "1");
    return env;
  }

  /** Every broken promise at once, each with what its block printed. */
  private static void check(ReadmeScript readme, String output) {
    String[] parts = output.split(Pattern.quote(MARK));
    assertThat(output).as("the script ran to its end:%n%s", output).contains(MARK + "end");
    List<String> broken = new ArrayList<>();
    for (int i = 0; i < readme.blocks().size(); i++) {
      ReadmeScript.Block block = readme.blocks().get(i);
      String printed = parts[i + 1].substring(parts[i + 1].indexOf('\n') + 1);
      int at = 0;
      List<Pattern> patterns = block.patterns();
      for (int k = 0; k < patterns.size(); k++) {
        Matcher m = patterns.get(k).matcher(printed);
        if (!m.find(at)) {
          broken.add(
              String.format(
                  "README.md line %d: the block does not print what it promises:%n  %s%n"
                      + "(looked for it after offset %d) it printed:%n%s%n",
                  block.line(), block.promises().get(k), at, printed));
          break;
        }
        at = m.end();
      }
    }
    if (!broken.isEmpty()) {
      fail(String.join("\n", broken));
    }
  }
}
