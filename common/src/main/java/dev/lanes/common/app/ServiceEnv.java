package dev.lanes.common.app;

import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.k8s.KubeConfig;
import dev.lanes.common.leader.LeaderConfig;
import dev.lanes.common.messaging.MessagingConfig;
import java.util.Map;

/**
 * What every service needs when it runs as its own process, read once from the environment: its
 * database, its cluster, the Kafka that connects it to the others, and its identity among its
 * replicas. Unlike the one-JVM platform, nothing is embedded: a missing variable is an error.
 *
 * @param db {@code null} for a service without a database (registry-service)
 * @param messaging {@code null} for a service that neither sends nor consumes (registry-service)
 */
public record ServiceEnv(
    DbConfig db, KubeConfig kube, MessagingConfig messaging, LeaderConfig leader) {

  /** What a service needs from the environment. */
  public enum Needs {
    DATABASE_AND_KAFKA,
    CLUSTER_ONLY
  }

  public static ServiceEnv from(ConfigReader reader, Map<String, String> env, Needs needs) {
    KubeConfig kube = KubeConfig.from(reader, env);
    if (!kube.isConfigured()) {
      reader.problem(
          "KUBECONFIG: a service running on its own needs a cluster: set KUBECONFIG, or run it in"
              + " a pod");
    }
    LeaderConfig leader = LeaderConfig.from(reader);
    if (needs == Needs.CLUSTER_ONLY) {
      return new ServiceEnv(null, kube, null, leader);
    }
    DbConfig db = DbConfig.from(reader);
    if (db == null) {
      reader.problem(
          "DATABASE_URL: a service running on its own needs PostgreSQL (only the one-JVM"
              + " platform embeds it)");
    }
    MessagingConfig messaging = MessagingConfig.from(reader);
    if (messaging.transport() != MessagingConfig.Transport.KAFKA) {
      reader.problem(
          "LANES_MESSAGING: services in separate processes talk through Kafka: set"
              + " LANES_MESSAGING=kafka and KAFKA_BOOTSTRAP_SERVERS");
    }
    return new ServiceEnv(db, kube, messaging, leader);
  }
}
