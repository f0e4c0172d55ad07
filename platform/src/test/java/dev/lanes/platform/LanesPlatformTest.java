package dev.lanes.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The platform as {@code make run} starts it, driven over HTTP only, as the README shows. */
class LanesPlatformTest {

  @TempDir Path dataDir;

  private final HttpClient http = HttpClient.newHttpClient();

  private PlatformConfig config() {
    return PlatformConfig.from(
        Map.of(
            "LANES_DATA_DIR", dataDir.toString(),
            "HTTP_PORT", "0",
            "REGISTRY_HTTP_PORT", "0",
            "BIND_ADDRESS", "127.0.0.1",
            "HTTP_INSTANCES", "2"));
  }

  private HttpResponse<String> call(int port, String method, String path, String key, String json)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (key != null) {
      request.header("X-API-Key", key);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void runsTheWalkThroughAndKeepsItsStateAndKeyAcrossARestart() throws Exception {
    String key;
    try (LanesPlatform platform = LanesPlatform.start(config())) {
      key = platform.generatedAdminKey();
      assertThat(key).startsWith("lanes_");
      String banner = banner(platform);
      assertThat(banner).contains("/api/v1").contains(key).contains("shown this once");
      int api = platform.apiPort();

      assertThat(call(api, "GET", "/healthz", null, null).statusCode()).isEqualTo(200);
      assertThat(call(api, "GET", "/api/v1/apps", null, null).statusCode()).isEqualTo(401);
      assertThat(
              call(
                      api,
                      "POST",
                      "/api/v1/image-repos",
                      key,
                      "{\"name\":\"web\",\"registry\":\"harbor.local:30002/team/web\",\"git_repo\":\"team/web\"}")
                  .statusCode())
          .isEqualTo(201);
      assertThat(
              call(
                      api,
                      "POST",
                      "/api/v1/apps",
                      key,
                      "{\"name\":\"web\",\"image_repo\":\"web\",\"port\":8080,\"secret_envs\":{\"DB_PASSWORD\":\"hunter2\"}}")
                  .statusCode())
          .isEqualTo(201);
      assertThat(call(api, "POST", "/api/v1/lanes", key, "{\"name\":\"dev\"}").statusCode())
          .isEqualTo(201);
      assertThat(call(platform.registryPort(), "GET", "/healthz", null, null).statusCode())
          .isEqualTo(200);
      assertThat(Files.exists(dataDir.resolve("secret.key"))).isTrue();
    }

    try (LanesPlatform again = LanesPlatform.start(config())) {
      assertThat(again.generatedAdminKey()).isNull();
      assertThat(banner(again)).contains("printed on first start").doesNotContain(key);
      HttpResponse<String> app = call(again.apiPort(), "GET", "/api/v1/apps/web", key, null);
      assertThat(app.statusCode()).isEqualTo(200);
      JsonObject data = new JsonObject(app.body()).getJsonObject("data");
      assertThat(data.getJsonObject("secret_envs").getString("DB_PASSWORD")).isEqualTo("***");
      // the secret is still readable with the key kept in the data directory
      HttpResponse<String> update =
          call(again.apiPort(), "PUT", "/api/v1/apps/web", key, "{\"envs\":{\"A\":\"1\"}}");
      assertThat(update.statusCode()).isEqualTo(200);
      assertThat(call(again.apiPort(), "GET", "/api/v1/lanes/dev", key, null).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void refusesToStartWithBadConfigurationAndSaysWhatIsWrong() {
    var problem =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            dev.lanes.common.config.ConfigException.class,
            () ->
                PlatformConfig.from(
                    Map.of(
                        "HTTP_PORT", "http", "BUILD_TIMEOUT", "forever", "DATABASE_URL", "x:y")));
    assertThat(problem.problems())
        .anySatisfy(p -> assertThat(p).startsWith("HTTP_PORT"))
        .anySatisfy(p -> assertThat(p).startsWith("BUILD_TIMEOUT"))
        .anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL"));
  }

  private static String banner(LanesPlatform platform) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    platform.printBanner(new PrintStream(out, true, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }
}
