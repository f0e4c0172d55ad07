package dev.lanes.common.worker;

import dev.lanes.common.db.DbConfig;
import dev.lanes.common.leader.Leadership;
import dev.lanes.common.messaging.Messaging;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What a worker service runs on, the same for build-service and release-service: its database, the
 * cluster, the messaging layer, its leadership and where its metrics go.
 *
 * @param leadership decides which replica runs the leader's duties (informers, reconciliation);
 *     every replica consumes commands and answers requests
 * @param registry the process's {@code /metrics}
 */
public record WorkerDeps(
    DbConfig db,
    KubernetesClient kube,
    Messaging messaging,
    Leadership leadership,
    MeterRegistry registry) {

  /** A single replica that leads from the start, its metrics kept to itself: tests. */
  public static WorkerDeps solo(DbConfig db, KubernetesClient kube, Messaging messaging) {
    return new WorkerDeps(db, kube, messaging, Leadership.solo(), new SimpleMeterRegistry());
  }
}
