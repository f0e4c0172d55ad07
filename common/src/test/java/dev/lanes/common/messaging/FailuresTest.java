package dev.lanes.common.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.ServerError;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailuresTest {

  @Test
  void unreachableDependenciesAndBusyAnswersAreTransient() {
    assertThat(Failures.isTransient(new ConnectException("refused"))).isTrue();
    assertThat(Failures.isTransient(new RuntimeException(new ConnectException("refused"))))
        .isTrue();
    assertThat(
            Failures.isTransient(
                ServerError.unavailable(ErrorCode.DATABASE_UNAVAILABLE, "down", null)))
        .isTrue();
    for (int code : new int[] {0, 409, 429, 500, 503}) {
      assertThat(Failures.isTransient(new KubernetesClientException("x", code, null)))
          .as("code %d", code)
          .isTrue();
    }
  }

  @Test
  void whatWouldFailAgainIsPermanent() {
    assertThat(Failures.isTransient(new IllegalArgumentException("Invalid UUID string: x")))
        .isFalse();
    assertThat(Failures.isTransient(new MalformedMessage("build_id", "not a UUID"))).isFalse();
    assertThat(Failures.isTransient(ClientError.notFound(ErrorCode.APP_NOT_FOUND, "app", "x")))
        .isFalse();
    assertThat(Failures.isTransient(new DecodeException("bad json"))).isFalse();
    assertThat(Failures.isTransient(new NullPointerException())).isFalse();
    assertThat(Failures.isTransient(ServerError.internal("bug", null))).isFalse();
    assertThat(Failures.isTransient(new KubernetesClientException("x", 422, null))).isFalse();
    assertThat(Failures.isTransient(new KubernetesClientException("x", 404, null))).isFalse();
  }

  @Test
  void aTransientFailureIsRetriedUntilTheLimitWithCappedDoubling() {
    RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(500), 4);
    ConnectException down = new ConnectException("refused");

    assertThat(policy.retryAfter(down, 1)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.retryAfter(down, 2)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.retryAfter(down, 3)).isEqualTo(Duration.ofMillis(400));
    assertThat(policy.retryAfter(down, 4)).as("the last attempt").isNull();
    assertThat(policy.after(10)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.retryAfter(new IllegalArgumentException(), 1)).isNull();
  }

  @Test
  void malformedMessageNamesTheField() {
    Message bad = Message.of("t", "/s", "x", "web", new JsonObject().put("build_id", "not-a-uuid"));

    assertThatThrownBy(() -> MalformedMessage.uuid(bad, "build_id"))
        .isInstanceOf(MalformedMessage.class)
        .hasMessage("data.build_id: not a UUID: 'not-a-uuid'");
    assertThatThrownBy(() -> MalformedMessage.uuid(bad, "release_id"))
        .hasMessage("data.release_id: missing");
    assertThatThrownBy(() -> MalformedMessage.integer(bad, "build_id"))
        .hasMessageContaining("expected an integer");
  }
}
