package dev.lanes.builds.k8s;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.k8s.ForbiddenRetry;
import dev.lanes.common.k8s.LaneLabels;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;

/**
 * Writes build pods' NetworkPolicy by server-side apply, as field manager {@value #FIELD_MANAGER}
 * with force: what Lanes applies is put back after a hand edit, other managers' fields stay.
 * Applying it unchanged changes nothing. A NetworkPolicy of that name without Lanes' managed-by
 * label is never changed.
 */
public final class BuildNetworkPolicies {

  static final String FIELD_MANAGER = "lanes";

  private final KubernetesClient client;
  private final String namespace;
  private final Blocking blocking;

  public BuildNetworkPolicies(KubernetesClient client, String namespace, Blocking blocking) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  /**
   * @throws ClientError {@code name_conflict} when a NetworkPolicy of that name is not Lanes's
   */
  public Future<NetworkPolicy> apply(NetworkPolicy desired) {
    return blocking.run(() -> ForbiddenRetry.call(() -> applyNow(desired)));
  }

  private NetworkPolicy applyNow(NetworkPolicy desired) {
    var policies = client.network().v1().networkPolicies().inNamespace(namespace);
    NetworkPolicy existing = policies.withName(desired.getMetadata().getName()).get();
    if (existing != null && !LaneLabels.isManaged(existing.getMetadata().getLabels())) {
      throw new ClientError(
          ErrorCode.NAME_CONFLICT,
          "a NetworkPolicy named "
              + desired.getMetadata().getName()
              + " exists in "
              + namespace
              + " and Lanes does not manage it; it was left untouched");
    }
    return policies
        .resource(desired)
        .fieldManager(FIELD_MANAGER)
        .forceConflicts()
        .serverSideApply();
  }
}
