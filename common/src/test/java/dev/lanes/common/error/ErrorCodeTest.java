package dev.lanes.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void everyCodeIsSnakeCaseAndEveryStatusAnHttpError() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(code.code()).matches("[a-z]+(_[a-z]+)*");
      assertThat(code.status()).isBetween(400, 599);
    }
    assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct())
        .hasSize(ErrorCode.values().length);
  }

  @Test
  void aProblemDocumentHasTheContractsShape() {
    ClientError e =
        ClientError.invalid(List.of(new FieldError("port", "must be 0..65535, got 70000")));
    JsonObject json = new JsonObject(Json.writeString(Problem.of(e).at("/api/v1/apps", "r-1")));

    assertThat(json.getString("type")).endsWith("/validation_failed");
    assertThat(json.getString("title")).isEqualTo("Invalid request");
    assertThat(json.getInteger("status")).isEqualTo(400);
    assertThat(json.getString("code")).isEqualTo("validation_failed");
    assertThat(json.getString("detail")).isEqualTo("port: must be 0..65535, got 70000");
    assertThat(json.getString("instance")).isEqualTo("/api/v1/apps");
    assertThat(json.getString("request_id")).isEqualTo("r-1");
    assertThat(json.getJsonArray("errors").getJsonObject(0).getString("field")).isEqualTo("port");
  }

  @Test
  void aProblemWithoutFieldErrorsHasNoErrorsMember() {
    JsonObject json =
        new JsonObject(
            Json.writeString(
                Problem.of(ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", "web"))));
    assertThat(json.containsKey("errors")).isFalse();
    assertThat(json.getString("detail")).isEqualTo("app 'web' does not exist");
  }

  @Test
  void clientAndServerErrorsKeepToTheirStatuses() {
    assertThatThrownBy(() -> new ClientError(ErrorCode.INTERNAL_ERROR, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ServerError(ErrorCode.APP_NOT_FOUND, "x", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ServerError.unavailable(ErrorCode.DATABASE_UNAVAILABLE, "down", null).isRetryable())
        .isTrue();
  }
}
