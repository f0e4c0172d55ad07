package dev.lanes.releases.rollout;

import dev.lanes.common.crypto.SealedEnvs;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.domain.App;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseReason;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.k8s.KubeErrors;
import dev.lanes.common.k8s.LaneNames;
import dev.lanes.common.messaging.Failures;
import dev.lanes.common.messaging.MalformedMessage;
import dev.lanes.common.messaging.Message;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.releases.intake.LaneLifecycle;
import dev.lanes.releases.k8s.AppSecretSpec;
import dev.lanes.releases.k8s.DeploymentSpec;
import dev.lanes.releases.k8s.ReleaseObjects;
import dev.lanes.releases.k8s.ServiceSpec;
import dev.lanes.releases.store.ReleaseTransitions;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.vertx.core.Future;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles release commands. {@code apply}: write the revision's Secret, Deployment and Services
 * (none for a worker; the base Service too in {@code prod}), then the release is {@code
 * progressing} until its rollout ends. {@code delete}: remove them (the app's Secret with its last
 * release), then forget the release, and the lane once it was its last. A command for a revision
 * that is no longer current does nothing.
 */
public final class ReleaseApplier {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseApplier.class);

  /** What the applier works with. */
  public record Deps(
      ReleaseTransitions transitions,
      ReleaseObjects objects,
      DeploymentSpec deployments,
      ServiceSpec services,
      AppSecretSpec secrets,
      SecretBox box,
      LaneLifecycle lanes,
      Function<Release, Future<Void>> applied) {}

  private final Deps d;

  public ReleaseApplier(Deps deps) {
    this.d = deps;
  }

  /**
   * Handles a release command. A {@code release_id} or {@code revision} that is missing or of the
   * wrong form fails with {@link MalformedMessage} (permanent: the command becomes a dead letter);
   * a permanent failure to apply a revision marks it failed, saying why, before the command is
   * given up.
   */
  public Future<Void> handle(Message command) {
    UUID id = MalformedMessage.uuid(command, "release_id");
    return switch (command.type()) {
      case ReleaseMessages.APPLY -> {
        int revision = MalformedMessage.integer(command, "revision");
        yield apply(id, revision)
            .recover(
                e ->
                    Failures.isTransient(e)
                        ? Future.failedFuture(e)
                        : d.transitions()
                            .failed(
                                id,
                                revision,
                                ReleaseReason.INTERNAL_ERROR,
                                "the command " + command.type() + " could not be processed: " + e,
                                false)
                            .transform(v -> Future.failedFuture(e)));
      }
      case ReleaseMessages.DELETE -> undeploy(id);
      default -> {
        LOG.warn("ignoring unknown release command {}", command.type());
        yield Future.succeededFuture();
      }
    };
  }

  /** Writes the revision's objects; fails (to be retried) only while the API server is away. */
  public Future<Void> apply(UUID id, int revision) {
    return d.transitions()
        .forApply(id, revision)
        .compose(input -> input.map(this::write).orElse(Future.succeededFuture()));
  }

  private Future<Void> write(ReleaseTransitions.ApplyInput input) {
    Release r = input.release();
    App app = input.app();
    Map<String, String> secrets = SealedEnvs.open(d.box(), input.sealedSecrets());
    String checksum = secrets.isEmpty() ? null : AppSecretSpec.checksum(secrets);
    Future<?> secret =
        secrets.isEmpty()
            ? Future.succeededFuture()
            : d.objects().apply(d.secrets().desired(app.name(), secrets));
    return secret
        .compose(v -> d.objects().apply(d.deployments().desired(r, app, checksum)))
        .compose(v -> services(r, app))
        .compose(v -> d.transitions().progressing(r.id(), r.revision()))
        .compose(v -> d.applied().apply(r))
        .onSuccess(
            v ->
                LOG.info(
                    "release {} of {} in {}: revision {} applied",
                    r.id(),
                    r.app(),
                    r.lane(),
                    r.revision()))
        .recover(e -> notApplied(r, e));
  }

  private Future<?> services(Release r, App app) {
    String lane = LaneNames.laneObject(r.app(), r.lane());
    boolean prod = Lane.PROD.equals(r.lane());
    if (app.isWorker()) {
      // a worker gets no Service; one left from when it had a port goes
      return d.objects()
          .delete(Service.class, lane)
          .compose(
              v ->
                  prod
                      ? d.objects().delete(Service.class, LaneNames.baseService(r.app()))
                      : Future.succeededFuture());
    }
    return d.objects()
        .apply(d.services().lane(r.app(), r.lane(), app.port()))
        .compose(
            v ->
                prod
                    ? d.objects().apply(d.services().base(r.app(), app.port()))
                    : Future.succeededFuture());
  }

  private Future<Void> notApplied(Release r, Throwable e) {
    if (e instanceof ClientError conflict) {
      return d.transitions()
          .failed(r.id(), r.revision(), ReleaseReason.NAME_CONFLICT, conflict.detail(), false)
          .mapEmpty();
    }
    if (KubeErrors.isUnavailable(e)) {
      return Future.failedFuture(e); // the command comes again; the release stays pending meanwhile
    }
    return d.transitions()
        .failed(
            r.id(),
            r.revision(),
            KubeErrors.isForbidden(e) ? ReleaseReason.FORBIDDEN : ReleaseReason.KUBERNETES_REFUSED,
            "Kubernetes refused the release: " + KubeErrors.describe(e),
            false)
        .mapEmpty();
  }

  /**
   * Writes every live release's objects again, for a cluster that lost them (the sandbox keeps its
   * objects in memory only). Statuses stay as they are.
   */
  public Future<Void> reapplyAll() {
    return d.transitions()
        .live()
        .compose(
            releases -> {
              Future<Void> chain = Future.succeededFuture();
              for (Release r : releases) {
                chain =
                    chain.compose(
                        v -> apply(r.id(), r.revision()).recover(e -> Future.succeededFuture()));
              }
              return chain.onSuccess(
                  v -> LOG.info("re-applied {} releases to the cluster", releases.size()));
            });
  }

  /** Removes a release being deleted, then forgets it. */
  public Future<Void> undeploy(UUID id) {
    return d.transitions()
        .get(id)
        .compose(
            r ->
                r.filter(x -> x.status().value().equals("deleting"))
                    .map(this::remove)
                    .orElse(Future.succeededFuture()));
  }

  private Future<Void> remove(Release r) {
    String name = LaneNames.laneObject(r.app(), r.lane());
    boolean prod = Lane.PROD.equals(r.lane());
    return d.objects()
        .delete(Deployment.class, name)
        .compose(v -> d.objects().delete(Service.class, name))
        .compose(
            v ->
                prod
                    ? d.objects().delete(Service.class, LaneNames.baseService(r.app()))
                    : Future.succeededFuture())
        .compose(v -> d.transitions().othersOfApp(r.app(), r.id()))
        .compose(
            others ->
                others
                    ? Future.succeededFuture()
                    : d.objects().delete(Secret.class, LaneNames.secret(r.app())))
        .compose(v -> d.transitions().deleted(r.id()))
        .compose(v -> d.lanes().finish())
        .onSuccess(v -> LOG.info("release {} of {} in {} undeployed", r.id(), r.app(), r.lane()))
        .mapEmpty();
  }
}
