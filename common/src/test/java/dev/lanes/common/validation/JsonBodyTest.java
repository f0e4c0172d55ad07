package dev.lanes.common.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonBodyTest {

  private static JsonBody parse(String json) {
    return JsonBody.parse(json.getBytes(StandardCharsets.UTF_8), new Validation());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{", "{\"a\":}", "{\"a\":1} {}", "{\"a\":1,\"a\":2}", "nope", "{'a':1}"})
  void rejectsWhatIsNotOneJsonDocumentAsMalformed(String json) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            ClientError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity"})
  void rejectsNumbersJsonDoesNotHave(String number) {
    assertThatThrownBy(() -> parse("{\"replicas\":" + number + "}"))
        .isInstanceOfSatisfying(
            ClientError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
  }

  /** Bytes inside a JSON string that are not UTF-8, though Jackson alone would read some. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "c0af", // an overlong "/"
        "e080af", // an overlong "/" in three bytes
        "eda080", // an encoded surrogate
        "e282", // a truncated three-byte sequence
        "80", // a stray continuation byte
        "ff" // never in UTF-8
      })
  void rejectsABodyThatIsNotStrictUtf8AsMalformed(String hex) {
    byte[] bad = java.util.HexFormat.of().parseHex(hex);
    byte[] head = "{\"description\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + bad.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(bad, 0, body, head.length, bad.length);
    System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);

    assertThatThrownBy(() -> JsonBody.parse(body, new Validation()))
        .isInstanceOfSatisfying(
            ClientError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
  }

  @Test
  void readsUtf8BeyondAscii() {
    JsonBody body = parse("{\"description\":\"café ☕ 𝄞\"}");
    assertThat(body.string("description")).isEqualTo("café ☕ 𝄞");
  }

  @Test
  void rejectsAnEmptyBodyAsMalformed() {
    assertThatThrownBy(() -> JsonBody.parse(new byte[0], new Validation()))
        .isInstanceOfSatisfying(
            ClientError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_JSON));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "1", "\"x\"", "null", "true"})
  void rejectsJsonThatIsNotAnObject(String json) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            ClientError.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED));
  }

  @Test
  void collectsEveryTypeErrorAndUnknownFieldAtOnce() {
    JsonBody body =
        parse(
            "{\"name\": 1, \"port\": \"80\", \"replicas\": 1.5, \"args\": [\"a\", 2],"
                + " \"envs\": {\"A\": 1}, \"extra\": true, \"resources\": {\"cpu\": 1, \"gpu\": 1}}");
    body.string("name");
    body.integer("port");
    body.integer("replicas");
    body.stringList("args");
    body.stringMap("envs", false);
    JsonBody resources = body.object("resources");
    resources.string("cpu");
    resources.rejectUnknownFields();
    body.rejectUnknownFields();

    assertThat(body.validation().errors())
        .extracting(FieldError::field)
        .containsExactlyInAnyOrder(
            "name",
            "port",
            "replicas",
            "args[1]",
            "envs.A",
            "extra",
            "resources.cpu",
            "resources.gpu");
  }

  @Test
  void tellsAbsentFromNull() {
    JsonBody body = parse("{\"a\": null}");
    assertThat(body.has("a")).isTrue();
    assertThat(body.isNull("a")).isTrue();
    assertThat(body.has("b")).isFalse();
    assertThat(body.string("a")).isNull();
  }

  @Test
  void keepsNullMapValuesOnlyWhenTheyDeleteKeys() {
    JsonBody merge = parse("{\"envs\": {\"A\": null, \"B\": \"2\"}}");
    assertThat(merge.stringMap("envs", true)).containsEntry("A", null).containsEntry("B", "2");
    assertThat(merge.validation().isValid()).isTrue();

    JsonBody strict = parse("{\"envs\": {\"A\": null}}");
    strict.stringMap("envs", false);
    assertThat(strict.validation().errors())
        .extracting(FieldError::field)
        .containsExactly("envs.A");
  }

  @Test
  void reportsIntegersTooLargeForAnInt() {
    JsonBody body = parse("{\"port\": 99999999999}");
    assertThat(body.integer("port")).isNull();
    assertThat(body.validation().errors().get(0).message()).contains("out of range");
  }

  @Test
  void requiredRecordsMissingAndNullMembers() {
    JsonBody body = parse("{\"b\": null}");
    assertThat(body.required("a")).isFalse();
    assertThat(body.required("b")).isFalse();
    assertThat(body.validation().errors()).extracting(FieldError::field).containsExactly("a", "b");
  }
}
