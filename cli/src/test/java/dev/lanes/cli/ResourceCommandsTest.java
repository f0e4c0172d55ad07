package dev.lanes.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lanes image-repos}, {@code lanes lanes} and {@code lanes api-keys} on a real platform. */
class ResourceCommandsTest {

  @TempDir static Path dir;
  static CliHarness platform;

  @BeforeAll
  static void start() throws Exception {
    platform = CliHarness.start(dir, Map.of());
  }

  @AfterAll
  static void stop() {
    platform.close();
  }

  /** Tables end with an AGE column: seconds tick while a test runs. */
  static String ages(String table) {
    return table.replaceAll("(?m)\\d+s$", "Ns");
  }

  CliHarness.Run ok(String... args) {
    CliHarness.Run run = platform.lanes(args);
    assertThat(run.exit()).as(String.join(" ", args) + ": " + run.err()).isZero();
    return run;
  }

  @Test
  void imageReposListAsATableAndCopyThroughYaml() throws Exception {
    CliHarness.Run created =
        ok(
            "image-repos",
            "create",
            "web",
            "--registry",
            "registry.local/team/web",
            "--git-repo",
            "team/web",
            "-o",
            "name");
    assertThat(created.out()).isEqualTo("image-repo/web\n");
    ok(
        "repos",
        "create",
        "api",
        "--registry",
        "registry.local/team/api",
        "--git-repo",
        "https://git.example.com/team/api.git",
        "--dockerfile",
        "docker/Dockerfile");

    assertThat(ages(ok("image-repos", "list").out()))
        .isEqualTo(
            "NAME   REGISTRY                  GIT REPO                               AGE\n"
                + "api    registry.local/team/api   https://git.example.com/team/api.git   Ns\n"
                + "web    registry.local/team/web   team/web                               Ns\n");

    Path yaml = dir.resolve("web.yaml");
    Files.writeString(yaml, ok("image-repo", "get", "web", "-o", "yaml").out());
    ok("image-repos", "create", "copy", "-f", yaml.toString(), "--no-cache");
    JsonNode copy = ApiClient.JSON.readTree(ok("image-repos", "get", "copy", "-o", "json").out());
    assertThat(copy.path("registry").asText()).isEqualTo("registry.local/team/web");
    assertThat(copy.path("no_cache").asBoolean()).isTrue();

    assertThat(ok("image-repos", "list", "-o", "name").out())
        .isEqualTo("image-repo/api\nimage-repo/copy\nimage-repo/web\n");
    JsonNode updated =
        ApiClient.JSON.readTree(
            ok("image-repos", "update", "copy", "--no-cache=false", "-o", "json").out());
    assertThat(updated.path("no_cache").asBoolean()).isFalse();
    JsonNode buildkit =
        ApiClient.JSON.readTree(
            ok(
                    "image-repos",
                    "update",
                    "copy",
                    "--builder",
                    "buildkit",
                    "--build-arg",
                    "BASE=alpine",
                    "--build-arg",
                    "V=1",
                    "--cache-repo",
                    "registry.local/cache/copy",
                    "-o",
                    "json")
                .out());
    assertThat(buildkit.path("builder").asText()).isEqualTo("buildkit");
    assertThat(buildkit.path("build_args").path("BASE").asText()).isEqualTo("alpine");
    assertThat(buildkit.path("build_args").path("V").asText()).isEqualTo("1");
    assertThat(buildkit.path("cache_repo").asText()).isEqualTo("registry.local/cache/copy");
    assertThat(ok("image-repos", "delete", "copy").out()).isEqualTo("image-repo/copy deleted\n");
    assertThat(platform.lanes("image-repos", "get", "copy").exit()).isEqualTo(ExitCodes.NOT_FOUND);
  }

  @Test
  void gitCredentialsComeFromStdinShowMaskedAndAreNotCopiedThroughYaml() throws Exception {
    String token = "ghp_cli_canary_3b9d";
    CliHarness.Run created =
        withStdin(
            token + "\n",
            () ->
                platform.lanes(
                    "image-repos",
                    "create",
                    "private",
                    "--registry",
                    "registry.local/team/private",
                    "--git-repo",
                    "https://git.example.com/team/private.git",
                    "--git-username",
                    "x-access-token",
                    "--git-password-stdin",
                    "-o",
                    "json"));
    assertThat(created.exit()).as(created.err()).isZero();
    JsonNode creds = ApiClient.JSON.readTree(created.out()).path("git_credentials");
    assertThat(creds.path("username").asText()).isEqualTo("x-access-token");
    assertThat(creds.path("password").asText()).isEqualTo("***");
    assertThat(created.out() + created.err()).doesNotContain(token);
    assertThat(ok("image-repos", "list", "-o", "wide").out()).contains("x-access-token");

    Path yaml = dir.resolve("private.yaml");
    Files.writeString(yaml, ok("image-repos", "get", "private", "-o", "yaml").out());
    CliHarness.Run copy = ok("image-repos", "create", "private-copy", "-f", yaml.toString());
    assertThat(copy.err()).contains("git_credentials not copied");
    JsonNode copied =
        ApiClient.JSON.readTree(ok("image-repos", "get", "private-copy", "-o", "json").out());
    assertThat(
            copied.path("git_credentials").isMissingNode()
                || copied.path("git_credentials").isNull())
        .isTrue();

    // registry credentials from a docker config file: hosts and user names shown, secrets not
    Path dockerConfig = dir.resolve("config.json");
    Files.writeString(
        dockerConfig,
        "{\"auths\":{\"ghcr.io\":{\"username\":\"bot\",\"password\":\"" + token + "\"}}}");
    CliHarness.Run registry =
        ok(
            "image-repos",
            "update",
            "private",
            "--registry-config",
            dockerConfig.toString(),
            "-o",
            "json");
    assertThat(
            ApiClient.JSON
                .readTree(registry.out())
                .path("registry_credentials")
                .path("auths")
                .path("ghcr.io")
                .path("password")
                .asText())
        .isEqualTo("***");
    assertThat(registry.out()).doesNotContain(token);
    Files.writeString(yaml, ok("image-repos", "get", "private", "-o", "yaml").out());

    // an update from the same file keeps the credentials instead of sending "***"
    ok("image-repos", "update", "private", "-f", yaml.toString());
    JsonNode kept =
        ApiClient.JSON.readTree(ok("image-repos", "get", "private", "-o", "json").out());
    assertThat(kept.path("git_credentials").path("username").asText()).isEqualTo("x-access-token");
    assertThat(kept.path("registry_credentials").path("auths").has("ghcr.io")).isTrue();

    JsonNode removed =
        ApiClient.JSON.readTree(
            ok("image-repos", "update", "private", "--no-git-credentials", "-o", "json").out());
    assertThat(
            removed.path("git_credentials").isMissingNode()
                || removed.path("git_credentials").isNull())
        .isTrue();

    CliHarness.Run half =
        platform.lanes("image-repos", "update", "private", "--git-username", "someone");
    assertThat(half.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(half.err()).contains("--git-password-stdin");
    ok("image-repos", "delete", "private-copy");
    ok("image-repos", "delete", "private");
  }

  @Test
  void buildSecretsComeFromFilesAndShowMasked() throws Exception {
    String token = "npm_cli_canary_6a1f";
    Path file = dir.resolve("npm-token");
    Files.writeString(file, token);
    CliHarness.Run created =
        ok(
            "image-repos",
            "create",
            "sec",
            "--registry",
            "registry.local/team/sec",
            "--git-repo",
            "team/sec",
            "--builder",
            "buildkit",
            "--build-secret",
            "NPM_TOKEN=@" + file,
            "-o",
            "json");
    assertThat(
            ApiClient.JSON.readTree(created.out()).path("build_secrets").path("NPM_TOKEN").asText())
        .isEqualTo("***");
    assertThat(created.out()).doesNotContain(token);

    CliHarness.Run inline =
        platform.lanes("image-repos", "update", "sec", "--build-secret", "NPM_TOKEN=" + token);
    assertThat(inline.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(inline.err()).contains("@FILE").doesNotContain(token);

    JsonNode deleted =
        ApiClient.JSON.readTree(
            ok("image-repos", "update", "sec", "--build-secret", "NPM_TOKEN=", "-o", "json").out());
    assertThat(deleted.path("build_secrets").size()).isZero();
    ok("image-repos", "delete", "sec");
  }

  private static CliHarness.Run withStdin(
      String input, java.util.function.Supplier<CliHarness.Run> run) {
    java.io.InputStream before = System.in;
    System.setIn(
        new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    try {
      return run.get();
    } finally {
      System.setIn(before);
    }
  }

  @Test
  void appsCopyThroughYamlWithoutTheirSecrets() throws Exception {
    ok("image-repos", "create", "w", "--registry", "r.local/w", "--git-repo", "team/w");
    ok("apps", "create", "orig", "--image-repo", "w", "--port", "8080", "--secret-env", "T=s3");
    Path yaml = dir.resolve("orig.yaml");
    Files.writeString(yaml, ok("apps", "get", "orig", "-o", "yaml").out());

    CliHarness.Run created = ok("apps", "create", "twin", "-f", yaml.toString());

    JsonNode twin = ApiClient.JSON.readTree(ok("apps", "get", "twin", "-o", "json").out());
    assertThat(twin.path("port").asInt()).isEqualTo(8080);
    assertThat(twin.path("secret_envs").size()).as("write-only values are not copied").isZero();
    assertThat(created.err())
        .isEqualTo(
            "warning: secret_envs.T is write-only and was not in the file; set it with lanes apps"
                + " update twin --secret-env T=...\n");
  }

  @Test
  void appsUpdateFromAFileSetsTheFilesEnvsAndKeepsTheSecretsItNames() throws Exception {
    ok("image-repos", "create", "u", "--registry", "r.local/u", "--git-repo", "team/u");
    ok(
        "apps",
        "create",
        "from",
        "--image-repo",
        "u",
        "--port",
        "8080",
        "--env",
        "A=1",
        "--secret-env",
        "T=s3");
    ok(
        "apps",
        "create",
        "into",
        "--image-repo",
        "u",
        "--port",
        "8080",
        "--env",
        "A=0",
        "--env",
        "OLD=1",
        "--secret-env",
        "T=other",
        "--secret-env",
        "U=gone");
    Path yaml = dir.resolve("from.yaml");
    Files.writeString(yaml, ok("apps", "get", "from", "-o", "yaml").out());

    CliHarness.Run updated = ok("apps", "update", "into", "-f", yaml.toString(), "-o", "json");

    JsonNode into = ApiClient.JSON.readTree(updated.out());
    assertThat(into.path("envs")).isEqualTo(ApiClient.JSON.readTree("{\"A\": \"1\"}"));
    assertThat(into.path("secret_envs"))
        .as("T is named by the file and keeps its value; U is not")
        .isEqualTo(ApiClient.JSON.readTree("{\"T\": \"***\"}"));
    assertThat(updated.err()).isEmpty();

    Files.writeString(yaml, "envs: {}\nsecret_envs: {T: '***', V: '***'}\n");
    CliHarness.Run again = ok("apps", "update", "into", "-f", yaml.toString(), "-o", "json");
    assertThat(ApiClient.JSON.readTree(again.out()).path("envs").size()).isZero();
    assertThat(again.err())
        .isEqualTo(
            "warning: secret_envs.V is write-only and was not in the file; set it with lanes apps"
                + " update into --secret-env V=...\n");
  }

  @Test
  void lanesShowStatusAndExpiryAndCopyThroughYaml() throws Exception {
    ok("lanes", "create", "preview", "--ttl", "1h", "--description", "PR 42");

    assertThat(ages(ok("lanes", "list").out()))
        .isEqualTo(
            "NAME      STATUS   PROTECTED   EXPIRES   AGE\n"
                + "blue      active   true        <none>    Ns\n"
                + "preview   active   false       59m       Ns\n"
                + "prod      active   true        <none>    Ns\n");
    assertThat(ok("lanes", "get", "preview", "-o", "wide").out())
        .contains("TTL")
        .contains(" 1h ")
        .contains("PR 42");
    JsonNode list = ApiClient.JSON.readTree(ok("lanes", "list", "-o", "json").out());
    assertThat(list.get(1).path("ttl_seconds").asInt()).isEqualTo(3600);

    Path yaml = dir.resolve("preview.yaml");
    Files.writeString(yaml, ok("lane", "get", "preview", "-o", "yaml").out());
    assertThat(ok("lanes", "create", "preview2", "-f", yaml.toString(), "-o", "name").out())
        .isEqualTo("lane/preview2\n");
    JsonNode copy = ApiClient.JSON.readTree(ok("lanes", "get", "preview2", "-o", "json").out());
    assertThat(copy.path("ttl_seconds").asInt()).isEqualTo(3600);
    assertThat(copy.path("description").asText()).isEqualTo("PR 42");

    assertThat(ok("lanes", "delete", "preview2").out()).isEqualTo("lane/preview2 deleting\n");
    CliHarness.Run prod = platform.lanes("lanes", "delete", "prod");
    assertThat(prod.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(prod.err()).contains("lane_protected");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> platform.lanes("lanes", "get", "preview2").exit() == ExitCodes.NOT_FOUND);
    assertThat(platform.lanes("lanes", "create", "x", "--ttl", "soon").exit())
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void watchPrintsAgainOnlyWhenSomethingChanged() throws Exception {
    StringWriter out = new StringWriter();
    AtomicReference<Thread> runner = new AtomicReference<>();
    CompletableFuture<Integer> watching =
        CompletableFuture.supplyAsync(
            () -> {
              runner.set(Thread.currentThread());
              return LanesCli.run(
                  new String[] {"lanes", "list", "-o", "name", "--watch"},
                  new PrintWriter(out),
                  new PrintWriter(new StringWriter()),
                  platform.env());
            });
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("lane/prod"));
    String first = out.toString();
    // a poll without a change prints nothing more
    await()
        .pollDelay(Duration.ofMillis(2500))
        .atMost(Duration.ofSeconds(4))
        .until(() -> out.toString().equals(first));

    ok("lanes", "create", "watched");
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains("lane/watched"));
    runner.get().interrupt();
    assertThat(watching.get()).isZero();
    assertThat(out.toString()).startsWith(first).endsWith("lane/prod\nlane/watched\n");

    ok("lanes", "delete", "watched");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> platform.lanes("lanes", "get", "watched").exit() == ExitCodes.NOT_FOUND);
  }

  @Test
  void anApiKeyIsPrintedOnceAndNeverListed() throws Exception {
    CliHarness.Run created = ok("api-keys", "create", "ci", "--scope", "deploy");
    String key = created.out().trim();
    assertThat(created.out()).matches("lanes_[a-z0-9]{8}_[A-Za-z0-9]{32}\n");
    assertThat(created.err()).contains("will not be shown again").doesNotContain(key);
    String secret = key.substring(key.lastIndexOf('_') + 1);

    CliHarness.Run table = ok("api-keys", "list");
    assertThat(ages(table.out()))
        .isEqualTo(
            "ID         NAME                SCOPES   EXPIRES   AGE\n"
                + "admin      admin (API_TOKEN)   admin    <none>    Ns\n"
                + key.substring(6, 14)
                + "   ci                  deploy   <none>    Ns\n");
    for (String format : new String[] {"wide", "json", "yaml", "name"}) {
      assertThat(ok("api-keys", "list", "-o", format).out()).doesNotContain(secret);
    }
    assertThat(ok("api-keys", "get", "ci", "-o", "yaml").out()).doesNotContain(secret);

    Map<String, String> asCi = new HashMap<>(platform.env());
    asCi.put("LANES_API_KEY", key);
    assertThat(CliHarness.lanesWith(asCi, "lanes", "list", "-o", "name").exit()).isZero();
    CliHarness.Run notAdmin = CliHarness.lanesWith(asCi, "api-keys", "list");
    assertThat(notAdmin.exit()).isEqualTo(ExitCodes.AUTH);
    assertThat(notAdmin.err()).contains("forbidden").doesNotContain(secret);

    assertThat(ok("api-keys", "revoke", "ci").out()).isEqualTo("api-key/ci revoked\n");
    assertThat(CliHarness.lanesWith(asCi, "lanes", "list").exit()).isEqualTo(ExitCodes.AUTH);
    assertThat(platform.lanes("api-keys", "create", "lost", "--scope", "read", "-o", "name").exit())
        .as("a key that would not be shown is not created")
        .isEqualTo(ExitCodes.USAGE);
    assertThat(ok("api-keys", "list", "-o", "name").out()).doesNotContain("lost");

    // the audit log names who did each of it, and never shows the key
    String audit = ok("audit", "--resource", "api_key").out();
    String id = key.substring(6, 14);
    assertThat(audit.lines().toList())
        .element(0)
        .asString()
        .matches("AGE +ACTOR +ACTION +RESOURCE +OUTCOME *");
    assertThat(
            audit.lines().map(l -> l.replaceFirst("^\\S+ +", "Ns ").replaceAll(" +", " ")).toList())
        .contains("Ns admin (API_TOKEN) api_key.revoke api_key/" + id + " succeeded")
        .contains("Ns admin (API_TOKEN) api_key.create api_key/" + id + " succeeded")
        .contains("Ns system:admin-key-bootstrap api_key.create api_key/admin succeeded");
    assertThat(audit).doesNotContain(secret);
    assertThat(ok("audit", "--actor", "ci", "-o", "json").out()).isEqualTo("[ ]\n");
    CliHarness.Run badSince = platform.lanes("audit", "--since", "yesterday");
    assertThat(badSince.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(badSince.err()).contains("since");
  }

  @Test
  void aContextKeepsItsKeyOutOfEveryOutput() {
    Map<String, String> noKey = new HashMap<>(platform.env());
    noKey.remove("LANES_API_KEY");
    noKey.remove("LANES_URL");
    InputStream stdin = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream((CliHarness.ADMIN_KEY + "\n").getBytes(StandardCharsets.UTF_8)));
      CliHarness.Run set =
          CliHarness.lanesWith(
              noKey,
              "config",
              "set-context",
              "here",
              "--server",
              platform.url(),
              "--api-key-stdin");
      assertThat(set.exit()).as(set.err()).isZero();
    } finally {
      System.setIn(stdin);
    }
    for (String format : new String[] {"table", "wide", "json", "yaml", "name"}) {
      CliHarness.Run contexts = CliHarness.lanesWith(noKey, "config", "get-contexts", "-o", format);
      assertThat(contexts.out() + contexts.err()).doesNotContain(CliHarness.ADMIN_KEY);
    }
    assertThat(CliHarness.lanesWith(noKey, "lanes", "list", "-o", "name").out())
        .contains("lane/prod");
  }

  @Test
  void exitCodesAndErrorsWithoutStackTraces() {
    String[][] missing = {
      {"image-repos", "get", "ghost"},
      {"lanes", "get", "ghost"},
      {"lanes", "delete", "ghost"},
      {"builds", "get", "ghost", "5b1c9a52-4c8e-4c55-9e51-1d2f0e7f3f11"},
      {"builds", "list", "ghost"},
      {"latest-build", "ghost"},
      {"releases", "get", "5b1c9a52-4c8e-4c55-9e51-1d2f0e7f3f11"},
      {"api-keys", "delete", "ghost"}
    };
    for (String[] args : missing) {
      CliHarness.Run run = platform.lanes(args);
      assertThat(run.exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.NOT_FOUND);
      assertThat(run.err())
          .startsWith("error: ")
          .doesNotContain("Exception")
          .doesNotContain("\tat ");
    }
    String[][] usage = {
      {"image-repos", "list", "--colour"},
      {"lanes", "get"},
      {"builds", "start"},
      {"builds", "start", "web", "--wait", "forever"},
      {"releases", "frobnicate"},
      {"api-keys", "create", "ci"}
    };
    for (String[] args : usage) {
      assertThat(platform.lanes(args).exit()).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
    }

    for (String group : new String[] {"image-repos", "lanes", "builds", "releases", "api-keys"}) {
      assertThat(platform.lanes(group, "--help").exit()).as(group + " --help").isZero();
    }

    Map<String, String> wrongKey = new HashMap<>(platform.env());
    wrongKey.put("LANES_API_KEY", "lanes_wrong");
    CliHarness.Run denied = CliHarness.lanesWith(wrongKey, "lanes", "list");
    assertThat(denied.exit()).isEqualTo(ExitCodes.AUTH);
    assertThat(denied.out() + denied.err()).doesNotContain("lanes_wrong");

    Map<String, String> nowhere = new HashMap<>(platform.env());
    nowhere.put("LANES_URL", "http://127.0.0.1:1");
    CliHarness.Run refused = CliHarness.lanesWith(nowhere, "image-repos", "list");
    assertThat(refused.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err()).contains("cannot reach the platform").doesNotContain("\tat ");
  }
}
