package dev.lanes.common.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership held through a Kubernetes Lease ({@code coordination.k8s.io/v1}), with fabric8's
 * leader elector. The hand-over is fenced by time: a leader that cannot renew stops its duty after
 * the renew deadline, which is shorter than the lease, so it has stopped before the lease expires
 * and another replica may take it.
 */
public final class LeaseLeadership implements Leadership {

  private static final Logger LOG = LoggerFactory.getLogger(LeaseLeadership.class);

  private final KubernetesClient kube;
  private final LeaderConfig config;
  private final String lease;
  private volatile boolean leading;
  private Context context;
  private Supplier<Duty> duty;
  private Duty running;
  private CompletableFuture<?> election;

  /**
   * @param lease the Lease's name, one per service: {@code lanes-build-service}
   */
  public LeaseLeadership(KubernetesClient kube, LeaderConfig config, String lease) {
    this.kube = kube;
    this.config = config;
    this.lease = lease;
  }

  @Override
  public synchronized void lead(Context context, Supplier<Duty> duty) {
    if (election != null) {
      throw new IllegalStateException("lead() was called already");
    }
    this.context = context;
    this.duty = duty;
    LeaderElector elector =
        kube.leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(lease)
                    .withLock(new LeaseLock(config.namespace(), lease, config.identity()))
                    .withLeaseDuration(config.leaseDuration())
                    .withRenewDeadline(config.renewDeadline())
                    .withRetryPeriod(config.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(
                        new LeaderCallbacks(this::started, this::stopped, this::newLeader))
                    .build())
            .build();
    election = elector.start();
    LOG.info(
        "{} in {}: {} is a candidate (lease {})",
        lease,
        config.namespace(),
        config.identity(),
        config.leaseDuration());
  }

  @Override
  public boolean leading() {
    return leading;
  }

  private void started() {
    leading = true;
    LOG.info("{}: {} leads", lease, config.identity());
    context.runOnContext(
        v -> {
          if (leading && running == null) {
            running = duty.get();
          }
        });
  }

  /** Called by the elector's thread when the lead is lost or given up: stop acting now. */
  private void stopped() {
    leading = false;
    LOG.info("{}: {} stopped leading", lease, config.identity());
    context.runOnContext(v -> stopDuty());
  }

  private void newLeader(String identity) {
    if (!identity.equals(config.identity())) {
      LOG.info("{}: {} leads", lease, identity);
    }
  }

  private void stopDuty() {
    if (running != null) {
      running.stop();
      running = null;
    }
  }

  @Override
  public Future<Void> close() {
    leading = false;
    CompletableFuture<?> e;
    synchronized (this) {
      e = election;
      election = null;
    }
    if (e == null) {
      return Future.succeededFuture();
    }
    Promise<Void> stopped = Promise.promise();
    context.runOnContext(
        v -> {
          stopDuty();
          // cancelling releases the Lease (releaseOnCancel), so the next replica need not wait
          e.cancel(true);
          stopped.complete();
        });
    return stopped.future();
  }
}
