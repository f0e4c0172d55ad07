package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Conventions section of the contract, for requests that are wrong in shape. */
class RequestConventionsTest {

  private static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = IntakeOwners.gateway();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @AfterEach
  void nothingWasWritten() {
    assertThat(gateway.count("image_repos")).isZero();
    assertThat(gateway.count("apps")).isZero();
    assertThat(gateway.count("lanes")).isEqualTo(2);
  }

  private static Response send(HttpMethod method, String path, String type, String body) {
    return gateway.call(
        method, path, TestGateway.ADMIN_KEY, type, body == null ? null : Buffer.buffer(body));
  }

  private static void assertProblem(Response r, int status, String code) {
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.json().getInteger("status")).isEqualTo(status);
    assertThat(r.code()).isEqualTo(code);
    assertThat(r.json().getString("title")).isNotBlank();
    assertThat(r.json().getString("detail")).isNotBlank();
    assertThat(r.json().getString("request_id")).isEqualTo(r.header("X-Request-Id"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"{", "{\"name\":\"web\",}", "{\"name\":\"a\",\"name\":\"b\"}", "nope", "{} {}"})
  void malformedJsonIs400(String body) {
    assertProblem(
        send(HttpMethod.POST, "/api/v1/lanes", "application/json", body), 400, "malformed_json");
  }

  @Test
  void anEmptyBodyIsMalformed() {
    assertProblem(send(HttpMethod.POST, "/api/v1/apps", null, null), 400, "malformed_json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"web\"", "42", "null"})
  void jsonThatIsNotAnObjectIs400(String body) {
    assertProblem(
        send(HttpMethod.POST, "/api/v1/image-repos", "application/json", body),
        400,
        "validation_failed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml"})
  void aBodyThatIsNotJsonIs415(String type) {
    assertProblem(
        send(HttpMethod.POST, "/api/v1/lanes", type, "{\"name\":\"dev\"}"),
        415,
        "unsupported_media_type");
  }

  @Test
  void aJsonBodyWithoutContentTypeIs415() {
    assertProblem(
        send(HttpMethod.POST, "/api/v1/lanes", null, "{\"name\":\"dev\"}"),
        415,
        "unsupported_media_type");
  }

  @Test
  void jsonWithCharsetIsJson() {
    Response r =
        send(
            HttpMethod.POST,
            "/api/v1/lanes",
            "application/json; charset=utf-8",
            "{\"name\":\"dev\"}");
    assertThat(r.status()).isEqualTo(201);
    gateway.delete("/api/v1/lanes/dev");
  }

  @Test
  void aBodyOverOneMebibyteIs413() {
    String big = "{\"name\":\"" + "a".repeat(1024 * 1024) + "\"}";
    assertProblem(
        send(HttpMethod.POST, "/api/v1/apps", "application/json", big), 413, "payload_too_large");
  }

  @Test
  void anUnknownRouteIs404() {
    assertProblem(send(HttpMethod.GET, "/api/v1/nothing-here", null, null), 404, "route_not_found");
    assertProblem(
        send(HttpMethod.GET, "/api/v1/apps/web/nothing", null, null), 404, "route_not_found");
  }

  @Test
  void aWrongMethodIs405AndSaysWhichAreAllowed() {
    Response r = send(HttpMethod.PATCH, "/api/v1/apps/web", "application/json", "{}");
    assertProblem(r, 405, "method_not_allowed");
    assertThat(r.header("Allow")).isEqualTo("DELETE, GET, PUT");
    Response lanes = send(HttpMethod.PUT, "/api/v1/lanes/", "application/json", "{}");
    assertProblem(lanes, 405, "method_not_allowed");
    assertThat(lanes.header("Allow")).isEqualTo("GET, POST");
  }

  @Test
  void everyRouteAnswersWithAndWithoutATrailingSlash() {
    for (String path :
        List.of("/api/v1/lanes", "/api/v1/lanes/", "/api/v1/lanes/prod", "/api/v1/lanes/prod/")) {
      assertThat(send(HttpMethod.GET, path, null, null).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void echoesASaneRequestIdAndReplacesAnInsaneOne() {
    Response r = send(HttpMethod.GET, "/api/v1/lanes/nope", null, null);
    assertThat(r.header("X-Request-Id")).matches("[0-9a-f]+");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"name\": {\"nested\": true}}",
        "{\"name\": \"\\u0000\"}",
        "{\"name\": \"web\", \"ttl_seconds\": 1e400}",
        "{\"name\": \"web\", \"ttl_seconds\": -99999999999999999999}",
        "{\"name\": \"\uD83D\uDE00\"}",
        "{\"name\": \"web\", \"protected\": \"true\"}",
        "{\"name\": \"web\", \"description\": [1,2]}"
      })
  void oddValuesAreClientErrorsNeverServerErrors(String body) {
    Response r = send(HttpMethod.POST, "/api/v1/lanes", "application/json", body);
    assertThat(r.status()).isBetween(400, 499);
    assertThat(r.code()).isNotNull();
  }
}
