package dev.lanes.common.leader;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * Who, among the replicas of a service, does the work that must happen once: turning Job status
 * into build status, tracking rollouts, expiring lanes. Commands are shared out by the transport;
 * these duties are not, so they run only while this replica leads.
 *
 * <p>{@link #solo()} leads always (one JVM, nobody to share with); {@link LeaseLeadership} holds a
 * Kubernetes Lease.
 */
public interface Leadership {

  /** The work done while leading; {@link #stop()} ends it (informers closed, timers cancelled). */
  interface Duty {
    void stop();
  }

  /**
   * Starts {@code duty} on {@code context} each time this replica becomes the leader and stops it,
   * on the same context, as soon as it is not the leader any more. Call once.
   */
  void lead(Context context, Supplier<Duty> duty);

  /** Whether this replica leads now: a duty checks it before an action it must not do twice. */
  boolean leading();

  /** Stops the duty and gives up the lead, so that another replica takes over at once. */
  Future<Void> close();

  /** Leadership of a service that runs as a single replica: it leads from the start. */
  static Leadership solo() {
    return new Leadership() {
      private Context context;
      private Duty running;

      @Override
      public void lead(Context context, Supplier<Duty> duty) {
        this.context = context;
        context.runOnContext(v -> running = duty.get());
      }

      @Override
      public boolean leading() {
        return true;
      }

      @Override
      public Future<Void> close() {
        if (context == null) {
          return Future.succeededFuture();
        }
        return Future.future(
            p ->
                context.runOnContext(
                    v -> {
                      if (running != null) {
                        running.stop();
                        running = null;
                      }
                      p.complete();
                    }));
      }
    };
  }
}
