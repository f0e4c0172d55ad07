package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a fuzzer found answered with a 500 or written (issue 14): now a 400 problem, nothing
 * written.
 */
class MalformedRequestsApiTest {

  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.start();
    gateway.post("/api/v1/image-repos", ImageRepoApiTest.repo("web"));
    gateway.post(
        "/api/v1/apps",
        new JsonObject().put("name", "web").put("image_repo", "web").put("description", "before"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @ParameterizedTest
  @CsvSource({
    "GET, /api/v1/apps/web/builds/%/logs/",
    "POST, /api/v1/apps/web/builds/%zz/cancel",
    "DELETE, /api/v1/image-repos/%zz/",
    "DELETE, /api/v1/releases/%zz",
    "GET, /api/v1/apps/%/builds/",
    "GET, /api/v1/apps/%C0%AF/builds",
    "GET, /api/v1/apps?limit=%zz"
  })
  void aBadlyEncodedPathIsA400Problem(String method, String path) {
    Response r = gateway.call(HttpMethod.valueOf(method), path, TestGateway.ADMIN_KEY, null, null);

    assertThat(r.status()).as(method + " " + path).isEqualTo(400);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.code()).isEqualTo("malformed_request");
  }

  @ParameterizedTest
  @ValueSource(strings = {"c0af", "eda080", "e282", "80"})
  void aBodyThatIsNotUtf8IsRefusedAndNothingIsWritten(String hex) {
    byte[] bad = HexFormat.of().parseHex(hex);
    Buffer body =
        Buffer.buffer("{\"image_repo\":\"web\",\"description\":\"")
            .appendBytes(bad)
            .appendString("\"}");

    Response r =
        gateway.call(
            HttpMethod.PUT, "/api/v1/apps/web", TestGateway.ADMIN_KEY, "application/json", body);

    assertThat(r.status()).isEqualTo(400);
    assertThat(r.code()).isEqualTo("malformed_json");
    assertThat(gateway.get("/api/v1/apps/web").data().getString("description")).isEqualTo("before");
  }
}
