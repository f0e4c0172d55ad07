package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why a release failed: the stable snake_case {@code reason} beside its human {@code message}, for
 * clients to match on. Every failed release has one; a release that has not failed has none. Each
 * code is documented in {@code docs/errors.md}; a code, once published, keeps its meaning.
 */
public enum ReleaseReason {
  /** A container of the new revision keeps exiting ({@code CrashLoopBackOff}). */
  CRASH_LOOP,
  /** The image cannot be pulled ({@code ErrImagePull}, {@code ImagePullBackOff}, a bad name). */
  IMAGE_PULL_FAILED,
  /** The kubelet cannot assemble the container ({@code CreateContainerConfigError}). */
  CONTAINER_CONFIG_INVALID,
  /** The runtime cannot create or start the container ({@code CreateContainerError}, ...). */
  CONTAINER_START_FAILED,
  /** The Deployment controller gave up on the rollout ({@code ProgressDeadlineExceeded}). */
  PROGRESS_DEADLINE_EXCEEDED,
  /** The revision was not applied, or its rollout not finished, within RELEASE_TIMEOUT. */
  DEADLINE_EXCEEDED,
  /** The release's Deployment disappeared while its rollout ran. */
  DEPLOYMENT_MISSING,
  /** An object Lanes does not manage holds the name of one of the release's objects. */
  NAME_CONFLICT,
  /** Kubernetes refused release-service's call for want of a permission (HTTP 403). */
  FORBIDDEN,
  /** Kubernetes refused the release's objects for another reason (an invalid spec, a quota). */
  KUBERNETES_REFUSED,
  /** A release command could not be processed: a bug on our side. */
  INTERNAL_ERROR,
  /** A release that failed before reasons were recorded (from before migration V7). */
  UNKNOWN;

  /** The stable code, e.g. {@code crash_loop}. */
  @JsonValue
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The reason of {@code code}; a code this version does not know (written by a newer one) reads as
   * {@link #UNKNOWN} rather than failing the read.
   *
   * @return {@code null} for {@code null}
   */
  @JsonCreator
  public static ReleaseReason of(String code) {
    if (code == null) {
      return null;
    }
    try {
      return valueOf(code.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return UNKNOWN;
    }
  }
}
