package dev.lanes.common.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.config.ConfigException;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.messaging.MessagingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A service started on its own says at once, and all at once, what its environment lacks. */
class ServiceEnvTest {

  @TempDir Path dir;

  private static ServiceEnv read(Map<String, String> env, ServiceEnv.Needs needs) {
    ConfigReader reader = new ConfigReader(env);
    ServiceEnv service = ServiceEnv.from(reader, env, needs);
    reader.done();
    return service;
  }

  @Test
  void aWorkerWithNothingConfiguredNamesEveryMissingPiece() {
    assertThatThrownBy(() -> read(Map.of(), ServiceEnv.Needs.DATABASE_AND_KAFKA))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).problems())
                    .anySatisfy(p -> assertThat(p).startsWith("KUBECONFIG:"))
                    .anySatisfy(p -> assertThat(p).startsWith("DATABASE_URL:"))
                    .anySatisfy(p -> assertThat(p).startsWith("LANES_MESSAGING:")));
  }

  @Test
  void aWorkerConfiguredForKafkaStarts() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
    ServiceEnv service =
        read(
            Map.of(
                "KUBECONFIG", kubeconfig.toString(),
                "DATABASE_URL", "postgres://lanes:s3cret@db:5432/lanes",
                "LANES_MESSAGING", "kafka",
                "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "POD_NAME", "build-service-7d9f",
                "LANES_NAMESPACE", "lanes-system"),
            ServiceEnv.Needs.DATABASE_AND_KAFKA);

    assertThat(service.db().host()).isEqualTo("db");
    assertThat(service.messaging().transport()).isEqualTo(MessagingConfig.Transport.KAFKA);
    assertThat(service.leader().identity()).isEqualTo("build-service-7d9f");
    assertThat(service.leader().namespace()).isEqualTo("lanes-system");
    assertThat(service.leader().renewDeadline()).isLessThan(service.leader().leaseDuration());
  }

  @Test
  void theRegistryNeedsOnlyTheCluster() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
    ServiceEnv service =
        read(Map.of("KUBECONFIG", kubeconfig.toString()), ServiceEnv.Needs.CLUSTER_ONLY);
    assertThat(service.db()).isNull();
    assertThat(service.messaging()).isNull();
  }

  @Test
  void aLeaseShorterThanThreeSecondsIsRefused() throws Exception {
    Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\n");
    assertThatThrownBy(
            () ->
                read(
                    Map.of("KUBECONFIG", kubeconfig.toString(), "LEADER_LEASE_DURATION", "1s"),
                    ServiceEnv.Needs.CLUSTER_ONLY))
        .hasMessageContaining("LEADER_LEASE_DURATION");
  }
}
