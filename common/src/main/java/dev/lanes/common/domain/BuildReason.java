package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Why a build ended without an image: the stable snake_case {@code reason} beside its human {@code
 * message}, for clients to match on. Every failed build has one, and a cancelled build has {@link
 * #CANCELLED}. Each code is documented in {@code docs/errors.md}; a code, once published, keeps its
 * meaning.
 */
public enum BuildReason {
  /** No branch, tag or commit of that name in the repository. */
  REF_NOT_FOUND,
  /** A hex prefix that starts the tips of more than one branch or tag. */
  REF_AMBIGUOUS,
  /** The repository could not be listed: down, unknown host, or no answer within GIT_TIMEOUT. */
  REPO_UNREACHABLE,
  /** The git host or the registry refused the credentials (or asked for some). */
  AUTH_FAILED,
  /** A {@code file://} repository where LANES_ALLOW_LOCAL_GIT is off. */
  LOCAL_GIT_NOT_ALLOWED,
  /** The repository's host is, or resolves to, an address GIT_ALLOWED_NETWORKS does not allow. */
  GIT_REPO_NOT_ALLOWED,
  /** The Dockerfile is not at the configured path at that commit. */
  DOCKERFILE_MISSING,
  /** A Dockerfile instruction (a {@code RUN}) exited non-zero. */
  BUILD_STEP_FAILED,
  /** The image was built but could not be pushed to the registry. */
  IMAGE_PUSH_FAILED,
  /** The build container was killed for using more memory than its limit. */
  OUT_OF_MEMORY,
  /** Kaniko or its pod failed for a reason none of the others names; the log says more. */
  BUILD_FAILED,
  /** The build ran longer than BUILD_TIMEOUT. */
  DEADLINE_EXCEEDED,
  /** The build's Job was deleted (or lost) before the build finished. */
  JOB_DELETED,
  /** An object Lanes does not manage holds the build Job's name. */
  NAME_CONFLICT,
  /** Kubernetes refused build-service's call for want of a permission (HTTP 403). */
  FORBIDDEN,
  /** Kubernetes refused the build Job for another reason (an invalid spec, a quota). */
  KUBERNETES_REFUSED,
  /** The Kubernetes API stayed unreachable for every attempt to create the Job. */
  KUBERNETES_UNAVAILABLE,
  /** A build command could not be processed: a bug on our side. */
  INTERNAL_ERROR,
  /** Someone cancelled the build (status {@code cancelled}, not {@code failed}). */
  CANCELLED,
  /** A build that failed before reasons were recorded (from before migration V7). */
  UNKNOWN;

  /** The stable code, e.g. {@code ref_not_found}. */
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
  public static BuildReason of(String code) {
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
