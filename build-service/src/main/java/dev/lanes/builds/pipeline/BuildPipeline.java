package dev.lanes.builds.pipeline;

import dev.lanes.builds.git.GitRemote;
import dev.lanes.builds.git.RefResolutionException;
import dev.lanes.builds.git.RefResolver;
import dev.lanes.builds.git.ResolvedRef;
import dev.lanes.builds.k8s.BuildJobs;
import dev.lanes.builds.store.BuildTransitions;
import dev.lanes.builds.store.RepoCredentials;
import dev.lanes.common.builds.BuildLog;
import dev.lanes.common.builds.BuildMessages;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.messaging.Failures;
import dev.lanes.common.messaging.MalformedMessage;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.pods.BuildPods;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles build commands. {@code requested}: resolve the ref, then reuse the image of an earlier
 * build of the same commit or queue the build. {@code cancel}: save what the pod logged and delete
 * the Job. Each step is guarded by the build's status, so a redelivered command does nothing twice.
 */
public final class BuildPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(BuildPipeline.class);

  private final BuildTransitions transitions;
  private final BuildQueries builds;
  private final RefResolver resolver;
  private final RepoCredentials credentials;
  private final Blocking blocking;
  private final BuildJobs jobs;
  private final BuildPods pods;
  private final Runnable queued;
  private final boolean allowLocalGit;

  /** What the pipeline works with; {@code queued} is told when a build joins the queue. */
  public record Deps(
      BuildTransitions transitions,
      BuildQueries builds,
      RefResolver resolver,
      RepoCredentials credentials,
      Blocking blocking,
      BuildJobs jobs,
      BuildPods pods,
      Runnable queued,
      boolean allowLocalGit) {}

  public BuildPipeline(Deps deps) {
    this.transitions = deps.transitions();
    this.builds = deps.builds();
    this.resolver = deps.resolver();
    this.credentials = deps.credentials();
    this.blocking = deps.blocking();
    this.jobs = deps.jobs();
    this.pods = deps.pods();
    this.queued = deps.queued();
    this.allowLocalGit = deps.allowLocalGit();
  }

  /**
   * Handles a build command. A {@code build_id} that is missing or not a UUID fails with {@link
   * MalformedMessage} (permanent: the command becomes a dead letter); a permanent failure of a
   * build that exists marks it failed, saying why, before the command is given up.
   */
  public Future<Void> handle(Message command) {
    UUID id = MalformedMessage.uuid(command, "build_id");
    Future<Void> handled =
        switch (command.type()) {
          case BuildMessages.REQUESTED -> resolve(id);
          case BuildMessages.CANCEL -> stop(id);
          default -> {
            LOG.warn("ignoring unknown build command {}", command.type());
            yield Future.succeededFuture();
          }
        };
    return handled.recover(
        e ->
            Failures.isTransient(e)
                ? Future.failedFuture(e)
                : transitions
                    .fail(
                        id,
                        BuildReason.INTERNAL_ERROR,
                        "the command " + command.type() + " could not be processed: " + e,
                        null)
                    .transform(v -> Future.failedFuture(e)));
  }

  /** Resolves a pending build's ref and moves it on; nothing when it is not pending. */
  public Future<Void> resolve(UUID id) {
    return transitions
        .pending(id)
        .compose(pending -> pending.map(this::resolve).orElse(Future.succeededFuture()));
  }

  private Future<Void> resolve(BuildTransitions.Pending p) {
    GitRemote remote = GitRemote.of(p.source().gitRepo());
    if ((remote.local() || remote.plainHttp()) && !allowLocalGit) {
      return transitions
          .fail(
              p.build().id(),
              BuildReason.LOCAL_GIT_NOT_ALLOWED,
              remote.local()
                  ? "local git repositories are not allowed here (LANES_ALLOW_LOCAL_GIT)"
                  : "plain http:// git repositories are not allowed here (LANES_ALLOW_LOCAL_GIT);"
                      + " give an https:// URL",
              null)
          .mapEmpty();
    }
    return credentials
        .of(p.build().imageRepo())
        .compose(creds -> listRefs(remote, p.build().gitRef(), creds.orElse(null)))
        .compose(ref -> resolved(p, ref))
        .recover(e -> unresolved(p.build(), e));
  }

  private Future<ResolvedRef> listRefs(GitRemote remote, String ref, GitCredentials creds) {
    return blocking.run(() -> resolver.resolve(remote, ref, creds));
  }

  private Future<Void> resolved(BuildTransitions.Pending p, ResolvedRef ref) {
    Future<Optional<Build>> earlier =
        p.force()
            ? Future.succeededFuture(Optional.empty())
            : builds.succeededFor(p.build().imageRepo(), ref.commit());
    return earlier.compose(
        original ->
            original.isPresent()
                ? transitions.reuse(p.build().id(), original.get()).mapEmpty()
                : transitions
                    .queue(
                        p.build().id(),
                        ref.commit(),
                        p.source().registry() + ":" + ref.tag(),
                        ref.ref())
                    .onSuccess(b -> queued.run())
                    .mapEmpty());
  }

  private Future<Void> unresolved(Build build, Throwable e) {
    if (e instanceof RefResolutionException r) {
      LOG.info("build {}: {}", build.id(), r.getMessage());
      return transitions.fail(build.id(), r.reason(), r.getMessage(), null).mapEmpty();
    }
    return Future.failedFuture(e);
  }

  /** Saves a cancelled build's log, deletes its Job and times the build. */
  public Future<Void> stop(UUID id) {
    return pods.pod(id)
        .compose(
            pod ->
                pod.map(p -> pods.fullLog(p.name()))
                    .orElse(Future.succeededFuture(Optional.empty())))
        .compose(
            log ->
                log.map(l -> transitions.saveLog(id, BuildLog.keepTail(l)))
                    .orElse(Future.succeededFuture()))
        .compose(v -> jobs.delete(id))
        .compose(v -> transitions.cancelled(id))
        .onSuccess(v -> LOG.info("build {} cancelled: Job deleted", id));
  }
}
