package dev.lanes.builds.pipeline;

import dev.lanes.builds.k8s.BuildJobs;
import dev.lanes.builds.store.BuildTransitions;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ServerError;
import dev.lanes.common.k8s.KubeErrors;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts queued builds, oldest first, while fewer than {@code BUILD_CONCURRENCY} Jobs run. A Job
 * that cannot be created because the Kubernetes API is away is retried with backoff; after the last
 * attempt the build fails with the reason, so nothing stays queued for ever.
 */
public final class BuildDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(BuildDispatcher.class);

  /**
   * How Job creation is retried while the Kubernetes API is away: {@code first}, doubling up to
   * {@code max}, for {@code attempts} attempts (by default about two minutes in all).
   */
  public record Retry(int attempts, Duration first, Duration max) {
    public static final Retry DEFAULT = new Retry(8, Duration.ofSeconds(1), Duration.ofSeconds(30));

    Duration after(int failed) {
      Duration d = first.multipliedBy(1L << Math.min(16, failed));
      return d.compareTo(max) > 0 ? max : d;
    }
  }

  private final BuildTransitions transitions;
  private final BuildJobs jobs;
  private final DesiredJobs desired;
  private final int concurrency;
  private final Retry retry;
  private final Clock clock;
  private boolean dispatching;
  private boolean again;
  private boolean stopped;

  public BuildDispatcher(
      BuildTransitions transitions,
      BuildJobs jobs,
      DesiredJobs desired,
      int concurrency,
      Retry retry) {
    this.transitions = transitions;
    this.jobs = jobs;
    this.desired = desired;
    this.concurrency = concurrency;
    this.retry = retry;
    this.clock = Clock.systemUTC();
  }

  /** Dispatches now, or once more after the dispatch under way. Call on the verticle's context. */
  public void kick() {
    if (stopped) {
      return;
    }
    if (dispatching) {
      again = true;
      return;
    }
    dispatching = true;
    again = false;
    dispatch()
        .onComplete(
            done -> {
              dispatching = false;
              if (done.failed() && !stopped) {
                LOG.warn("dispatching builds: {}", done.cause().toString());
              } else if (done.failed()) {
                // the service is stopping and its pool closed under the dispatch under way: what
                // a crash at this point would leave, and no fault worth a warning on Ctrl-C
                LOG.debug("dispatch ended by the stop: {}", done.cause().toString());
              }
              if (again) {
                kick();
              }
            });
  }

  /** No more dispatches: the service is stopping. Call on the verticle's context. */
  public void stop() {
    stopped = true;
  }

  private Future<Void> dispatch() {
    return transitions
        .claim(concurrency)
        .compose(
            claimed -> {
              List<Future<Void>> started = new ArrayList<>();
              claimed.forEach(c -> started.add(start(c)));
              return Future.join(started).mapEmpty();
            });
  }

  private Future<Void> start(BuildTransitions.Claimed c) {
    return desired
        .prepare(c)
        .compose(jobs::create)
        .<Void>mapEmpty()
        .onSuccess(v -> LOG.info("build {}: Job {} created", c.build().id(), c.build().jobName()))
        .recover(e -> notStarted(c, e));
  }

  private Future<Void> notStarted(BuildTransitions.Claimed c, Throwable e) {
    if (e instanceof ClientError conflict) {
      return transitions
          .fail(c.build().id(), BuildReason.NAME_CONFLICT, conflict.detail(), null)
          .mapEmpty();
    }
    if (e instanceof ServerError internal && !KubeErrors.isUnavailable(e)) {
      // the credentials could not be opened: a fault of ours, said without what they hold
      return transitions
          .fail(c.build().id(), BuildReason.INTERNAL_ERROR, internal.detail(), null)
          .mapEmpty();
    }
    if (!KubeErrors.isUnavailable(e)) {
      return transitions
          .fail(
              c.build().id(),
              KubeErrors.isForbidden(e) ? BuildReason.FORBIDDEN : BuildReason.KUBERNETES_REFUSED,
              "Kubernetes refused the build Job: " + KubeErrors.describe(e),
              null)
          .mapEmpty();
    }
    return transitions
        .unclaim(c.build().id(), clock.instant().plus(retry.after(c.attempts())))
        .compose(
            attempts -> {
              LOG.warn(
                  "build {}: cannot create its Job ({} of {}): {}",
                  c.build().id(),
                  attempts,
                  retry.attempts(),
                  KubeErrors.describe(e));
              return attempts >= retry.attempts()
                  ? transitions
                      .fail(
                          c.build().id(),
                          BuildReason.KUBERNETES_UNAVAILABLE,
                          "could not create the build Job in "
                              + attempts
                              + " attempts: "
                              + KubeErrors.describe(e),
                          null)
                      .mapEmpty()
                  : Future.succeededFuture();
            });
  }
}
