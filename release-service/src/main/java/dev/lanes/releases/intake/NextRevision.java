package dev.lanes.releases.intake;

import dev.lanes.common.domain.Release;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.releases.ReleaseRequest;
import dev.lanes.common.releases.Revision;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the next revision of a release is: the rule behind {@code POST /releases}, {@code PUT
 * /releases/{id}} and rollback, apart from the SQL that reads its inputs and writes its result.
 *
 * @param image the image to run, or {@code null} when it is still to be found from the tag (a
 *     rollback brings its own)
 * @param cause what the history says of it: {@code release}, {@code change} or {@code rollback to
 *     revision N}
 */
public record NextRevision(
    String tag, String image, int replicas, Map<String, String> envs, String cause) {

  public NextRevision {
    envs = Map.copyOf(envs);
  }

  /**
   * A new release or a change of {@code current}: fields the request leaves {@code null} keep their
   * values (the app's default replicas for a new release); envs merge key by key, a {@code null}
   * value removing its key and {@code clearEnvs} starting from none.
   *
   * @param current the release as it is, or {@code null} for a new one
   * @param appReplicas the app's default replica count
   * @throws ClientError {@code validation_failed} when a new release names no tag
   */
  public static NextRevision of(Release current, ReleaseRequest request, int appReplicas) {
    String tag = request.tag() != null ? request.tag() : current == null ? null : current.tag();
    if (tag == null) {
      throw ClientError.invalid(List.of(new FieldError("tag", "is required for a new release")));
    }
    int replicas =
        request.replicas() != null
            ? request.replicas()
            : current != null ? current.replicas() : appReplicas;
    return new NextRevision(
        tag,
        null,
        replicas,
        merge(current, request.envs(), request.clearEnvs()),
        current == null ? "release" : "change");
  }

  /** A rollback: {@code target} again, exactly as it was, image included. */
  public static NextRevision rollbackTo(Revision target) {
    return new NextRevision(
        target.tag(),
        target.image(),
        target.replicas(),
        target.envs(),
        "rollback to revision " + target.revision());
  }

  private static Map<String, String> merge(
      Release current, Map<String, String> changes, boolean clear) {
    Map<String, String> out = new TreeMap<>();
    if (current != null && !clear) {
      out.putAll(current.envs());
    }
    if (changes != null) {
      changes.forEach(
          (k, v) -> {
            if (v == null) {
              out.remove(k);
            } else {
              out.put(k, v);
            }
          });
    }
    return out;
  }
}
