package dev.lanes.common.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ForbiddenRetryTest {

  @Test
  void aRefusalWhileTheAuthorizerWarmsUpIsTriedAgain() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String answer =
        ForbiddenRetry.call(
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new KubernetesClientException("forbidden", 403, null);
              }
              return "created";
            });
    assertThat(answer).isEqualTo("created");
    assertThat(calls).hasValue(3);
  }

  @Test
  void otherRefusalsAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                ForbiddenRetry.call(
                    () -> {
                      calls.incrementAndGet();
                      throw new KubernetesClientException("invalid", 422, null);
                    }))
        .isInstanceOf(KubernetesClientException.class);
    assertThat(calls).hasValue(1);
  }
}
