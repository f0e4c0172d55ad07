package dev.lanes.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import org.junit.jupiter.api.Test;

class AppContainerTest {

  private static ContainerBuilder container() {
    return new ContainerBuilder().withName("app").withImage("r/web:a");
  }

  @Test
  void anAppLogsItsNameVersionAndLaneAndListensOnItsPort() {
    AppContainer app =
        AppContainer.of(
            container()
                .addNewEnv()
                .withName("APP_NAME")
                .withValue("web")
                .endEnv()
                .addNewEnv()
                .withName("VERSION")
                .withValue("v3")
                .endEnv()
                .addNewEnv()
                .withName("LANE")
                .withValue("prod")
                .endEnv()
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .build());

    assertThat(app.startLines())
        .containsExactly("sandbox: started r/web:a", "starting web v3 in lane prod");
    assertThat(app.listeningLine()).contains("listening on :8080");
    assertThat(app.pullFails() || app.crashes() || app.neverReady()).isFalse();
  }

  @Test
  void theTriggersAreTheNamesOfEnvVarsWhateverTheirValue() {
    AppContainer app =
        AppContainer.of(
            container()
                .addNewEnv()
                .withName("SANDBOX_CRASH")
                .withNewValueFrom()
                .withNewSecretKeyRef("crash", "web-secrets", false)
                .endValueFrom()
                .endEnv()
                .build());

    assertThat(app.crashes()).isTrue();
    assertThat(app.startLines()).contains("starting app  in lane ?");
    assertThat(app.listeningLine()).isEmpty();
  }
}
