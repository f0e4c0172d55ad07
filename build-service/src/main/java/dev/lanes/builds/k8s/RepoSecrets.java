package dev.lanes.builds.k8s;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.k8s.ForbiddenRetry;
import dev.lanes.common.k8s.LaneLabels;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import java.util.List;

/**
 * Kubernetes I/O for image repos' credential Secrets in the build namespace ({@code {repo}-git},
 * {@code {repo}-registry}): server-side apply as field manager {@code lanes}. A Secret of that name
 * without Lanes' managed-by label is never changed nor deleted.
 */
public final class RepoSecrets {

  private final KubernetesClient client;
  private final String namespace;
  private final Blocking blocking;

  public RepoSecrets(KubernetesClient client, String namespace, Blocking blocking) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  /**
   * @throws ClientError {@code name_conflict} when a Secret of that name is not Lanes's
   */
  public Future<Void> apply(Secret desired) {
    return blocking.run(
        () ->
            ForbiddenRetry.call(
                () -> {
                  requireManagedOrAbsent(desired.getMetadata().getName());
                  client
                      .secrets()
                      .inNamespace(namespace)
                      .resource(desired)
                      .fieldManager(BuildNetworkPolicies.FIELD_MANAGER)
                      .forceConflicts()
                      .serverSideApply();
                  return null;
                }));
  }

  /** Deletes the Secret {@code name} when Lanes made it; one it did not make is left alone. */
  public Future<Void> delete(String name) {
    return blocking.run(
        () ->
            ForbiddenRetry.call(
                () -> {
                  var secret = client.secrets().inNamespace(namespace).withName(name);
                  Secret existing = secret.get();
                  if (existing != null
                      && LaneLabels.isManaged(existing.getMetadata().getLabels())) {
                    secret.delete();
                  }
                  return null;
                }));
  }

  /** The image repos that have a Secret of {@code component} Lanes made and keeps. */
  public Future<List<String>> managedRepos(String component) {
    return blocking.run(
        () ->
            ForbiddenRetry.call(
                () ->
                    client
                        .secrets()
                        .inNamespace(namespace)
                        .withLabel(LaneLabels.COMPONENT, component)
                        .withLabel(LaneLabels.MANAGED_BY, LaneLabels.MANAGER)
                        .list()
                        .getItems()
                        .stream()
                        .map(s -> s.getMetadata().getLabels().get(LaneLabels.IMAGE_REPO))
                        .filter(repo -> repo != null)
                        .toList()));
  }

  private void requireManagedOrAbsent(String name) {
    Secret existing = client.secrets().inNamespace(namespace).withName(name).get();
    if (existing != null && !LaneLabels.isManaged(existing.getMetadata().getLabels())) {
      throw new ClientError(
          ErrorCode.NAME_CONFLICT,
          "a Secret named "
              + name
              + " exists in "
              + namespace
              + " and Lanes does not manage it; it was left untouched");
    }
  }
}
