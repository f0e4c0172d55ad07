package dev.lanes.builds.k8s;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.k8s.KubeErrors;
import dev.lanes.common.k8s.LaneLabels;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import java.util.Optional;
import java.util.UUID;

/**
 * Kubernetes I/O for build Jobs in the build namespace. Lanes never changes or deletes a Job that
 * lacks its managed-by label, even when the name matches.
 */
public final class BuildJobs {

  private final KubernetesClient client;
  private final String namespace;
  private final Blocking blocking;

  public BuildJobs(KubernetesClient client, String namespace, Blocking blocking) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  /**
   * Creates the Job; a Job of the same name that Lanes made for the same build counts as created
   * (the command was delivered twice).
   *
   * @throws ClientError {@code name_conflict} when a Job of that name is not Lanes's
   */
  public Future<Job> create(Job job) {
    return blocking.run(
        () -> {
          try {
            return dev.lanes.common.k8s.ForbiddenRetry.call(
                () -> client.batch().v1().jobs().inNamespace(namespace).resource(job).create());
          } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (!KubeErrors.isConflict(e)) {
              throw e;
            }
            Job existing =
                client
                    .batch()
                    .v1()
                    .jobs()
                    .inNamespace(namespace)
                    .withName(job.getMetadata().getName())
                    .get();
            if (existing != null && sameBuild(existing, job)) {
              return existing;
            }
            throw new ClientError(
                ErrorCode.NAME_CONFLICT,
                "a Job named "
                    + job.getMetadata().getName()
                    + " exists in "
                    + namespace
                    + " and Lanes does not manage it");
          }
        });
  }

  private static boolean sameBuild(Job existing, Job wanted) {
    var labels = existing.getMetadata().getLabels();
    return LaneLabels.isManaged(labels)
        && wanted
            .getMetadata()
            .getLabels()
            .get(LaneLabels.BUILD_ID)
            .equals(labels.get(LaneLabels.BUILD_ID));
  }

  public Future<Optional<Job>> get(String name) {
    return blocking.run(
        () ->
            Optional.ofNullable(
                client.batch().v1().jobs().inNamespace(namespace).withName(name).get()));
  }

  /** Deletes the build's Job (foreground: its pod goes first); nothing when there is none. */
  public Future<Void> delete(UUID buildId) {
    return blocking.run(
        () -> {
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(namespace)
              .withLabel(LaneLabels.BUILD_ID, buildId.toString())
              .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
              .withPropagationPolicy(DeletionPropagation.FOREGROUND)
              .delete();
          return null;
        });
  }

  /**
   * Watches the Jobs Lanes made for builds. The informer starts in the background and keeps
   * retrying while the API server is away, so the service starts without it.
   */
  public SharedIndexInformer<Job> watchJobs(ResourceEventHandler<Job> handler) {
    return started(
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(namespace)
            .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
            .withLabel(LaneLabels.COMPONENT, "build")
            .runnableInformer(0),
        handler);
  }

  /** Watches the pods of those Jobs, to learn when a build starts running. */
  public SharedIndexInformer<Pod> watchPods(ResourceEventHandler<Pod> handler) {
    return started(
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
            .withLabel(LaneLabels.COMPONENT, "build")
            .runnableInformer(0),
        handler);
  }

  private static <T> SharedIndexInformer<T> started(
      SharedIndexInformer<T> informer, ResourceEventHandler<T> handler) {
    informer.addEventHandler(handler);
    informer.start();
    return informer;
  }
}
