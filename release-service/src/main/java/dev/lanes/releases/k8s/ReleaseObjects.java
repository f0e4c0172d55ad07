package dev.lanes.releases.k8s;

import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.k8s.LaneLabels;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;

/**
 * Writes a release's objects by server-side apply, as field manager {@value #FIELD_MANAGER}: the
 * API server merges what Lanes wants into the object, owns those fields for Lanes, and leaves every
 * other field to whoever set it (the Deployment controller's status and revision annotation, the
 * cluster IP the API server chose, a label another tool added). Applying the same release twice
 * changes nothing (the API server does not even bump the resourceVersion); applying it after a hand
 * edit puts back every field Lanes owns ({@code forceConflicts}: Lanes is the owner of what it
 * applies). A digest of the desired object is kept in an annotation to show, at a glance, which
 * release spec an object was last written from. Lanes never changes or deletes an object without
 * its managed-by label, even when the name matches.
 */
public final class ReleaseObjects {

  public static final String SPEC_HASH = "lanes.dev/spec-hash";
  public static final String FIELD_MANAGER = "lanes";

  /**
   * The generation a Deployment had after Lanes last applied it. A Deployment whose generation is
   * higher had its spec changed by someone else (kubectl edit, scale): the release is applied
   * again.
   */
  public static final String APPLIED_GENERATION = "lanes.dev/applied-generation";

  private static final int MAX_CONFLICT_RETRIES = 5;

  /** What an apply or delete did. */
  public enum Result {
    CREATED,
    UPDATED,
    UNCHANGED,
    DELETED,
    ABSENT
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Blocking blocking;

  public ReleaseObjects(KubernetesClient client, String namespace, Blocking blocking) {
    this.client = client;
    this.namespace = namespace;
    this.blocking = blocking;
  }

  /**
   * @throws ClientError {@code name_conflict} when an object of that name is not Lanes's
   */
  public <T extends HasMetadata> Future<Result> apply(T desired) {
    return blocking.run(
        () -> dev.lanes.common.k8s.ForbiddenRetry.call(() -> applyRetryingConflicts(desired)));
  }

  /**
   * Controllers write the status of the same objects (the Deployment controller, every few
   * seconds), so an update can meet a newer resourceVersion: read again and retry, as kubectl does.
   */
  private <T extends HasMetadata> Result applyRetryingConflicts(T desired) {
    // the digest of what Lanes wants, taken before the object carries the digest itself
    String hash = hash(desired);
    if (desired.getMetadata().getAnnotations() == null) {
      desired.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    desired.getMetadata().getAnnotations().put(SPEC_HASH, hash);
    for (int attempt = 1; ; attempt++) {
      try {
        return applyNow(desired, hash);
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (!dev.lanes.common.k8s.KubeErrors.isConflict(e) || attempt >= MAX_CONFLICT_RETRIES) {
          throw e;
        }
      }
    }
  }

  private <T extends HasMetadata> Result applyNow(T desired, String hash) {
    T existing = client.resource(desired).inNamespace(namespace).get();
    if (existing != null) {
      requireManaged(existing);
    }
    desired.getMetadata().setResourceVersion(null);
    T applied =
        client
            .resource(desired)
            .inNamespace(namespace)
            .fieldManager(FIELD_MANAGER)
            .forceConflicts()
            .serverSideApply();
    recordGeneration(applied);
    if (existing == null) {
      return Result.CREATED;
    }
    return applied
            .getMetadata()
            .getResourceVersion()
            .equals(existing.getMetadata().getResourceVersion())
        ? Result.UNCHANGED
        : Result.UPDATED;
  }

  /** Notes on a Deployment the generation Lanes' apply left it at (a label-only patch). */
  private void recordGeneration(HasMetadata applied) {
    if (!(applied instanceof io.fabric8.kubernetes.api.model.apps.Deployment)
        || applied.getMetadata().getGeneration() == null) {
      return;
    }
    String generation = applied.getMetadata().getGeneration().toString();
    var labels = applied.getMetadata().getLabels();
    if (labels != null && generation.equals(labels.get(APPLIED_GENERATION))) {
      return;
    }
    client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .withName(applied.getMetadata().getName())
        .patch(
            new io.fabric8.kubernetes.client.dsl.base.PatchContext.Builder()
                .withPatchType(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE)
                .withFieldManager(FIELD_MANAGER)
                .build(),
            "{\"metadata\":{\"labels\":{\"" + APPLIED_GENERATION + "\":\"" + generation + "\"}}}");
  }

  /** Deletes the object of that kind and name, if Lanes manages it. */
  public <T extends HasMetadata> Future<Result> delete(Class<T> kind, String name) {
    return blocking.run(
        () -> {
          var resource = client.resources(kind).inNamespace(namespace).withName(name);
          T existing = resource.get();
          if (existing == null || !LaneLabels.isManaged(existing.getMetadata().getLabels())) {
            return Result.ABSENT;
          }
          resource.withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
          return Result.DELETED;
        });
  }

  /** The object, if it exists (managed or not). */
  public <T extends HasMetadata> Future<T> get(Class<T> kind, String name) {
    return blocking.run(() -> client.resources(kind).inNamespace(namespace).withName(name).get());
  }

  /**
   * The {@code pod-template-hash} of the newest ReplicaSet of the app's Deployment in the lane (the
   * one with the highest {@code deployment.kubernetes.io/revision}), if there is one.
   */
  public Future<java.util.Optional<String>> newestTemplateHash(String app, String lane) {
    return blocking.run(
        () ->
            client
                .apps()
                .replicaSets()
                .inNamespace(namespace)
                .withLabels(LaneLabels.selector(app, lane).toMap())
                .list()
                .getItems()
                .stream()
                .max(java.util.Comparator.comparingLong(ReleaseObjects::revision))
                .map(
                    rs ->
                        rs.getMetadata().getLabels() == null
                            ? null
                            : rs.getMetadata().getLabels().get("pod-template-hash")));
  }

  private static long revision(io.fabric8.kubernetes.api.model.apps.ReplicaSet rs) {
    var a = rs.getMetadata().getAnnotations();
    try {
      return a == null
          ? 0
          : Long.parseLong(a.getOrDefault("deployment.kubernetes.io/revision", "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void requireManaged(HasMetadata existing) {
    if (!LaneLabels.isManaged(existing.getMetadata().getLabels())) {
      throw new ClientError(
          ErrorCode.NAME_CONFLICT,
          "a "
              + existing.getKind()
              + " named "
              + existing.getMetadata().getName()
              + " exists in "
              + namespace
              + " and Lanes does not manage it; it was left untouched");
    }
  }

  static String hash(HasMetadata desired) {
    try {
      byte[] json = Serialization.asJson(desired).getBytes(StandardCharsets.UTF_8);
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(json))
          .substring(0, 32);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
