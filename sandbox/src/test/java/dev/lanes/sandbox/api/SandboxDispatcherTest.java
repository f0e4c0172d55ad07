package dev.lanes.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import org.junit.jupiter.api.Test;

class SandboxDispatcherTest {

  @Test
  void findsTheFieldsOfFabric8sDispatcherItPatches() {
    var fields = SandboxDispatcher.DispatcherFields.of(KubernetesCrudDispatcher.class);

    assertThat(fields.lock().getName()).isEqualTo("lock");
    assertThat(fields.listeners().getName()).isEqualTo("watchEventListeners");
  }

  @Test
  void aDispatcherWithoutThemFailsTheStartSayingWhichIsMissing() {
    assertThatThrownBy(() -> SandboxDispatcher.DispatcherFields.of(Object.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("has no field lock")
        .hasMessageContaining("SandboxDispatcher.forget");
  }
}
