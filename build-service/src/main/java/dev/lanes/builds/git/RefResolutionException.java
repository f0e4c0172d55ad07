package dev.lanes.builds.git;

import dev.lanes.common.domain.BuildReason;
import java.util.Objects;

/**
 * A ref could not be resolved: the build's {@code reason} and, in the message, its {@code message}.
 */
public final class RefResolutionException extends Exception {

  private final BuildReason reason;

  public RefResolutionException(BuildReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason);
  }

  /**
   * {@code ref_not_found}, {@code ref_ambiguous}, {@code repo_unreachable} or {@code auth_failed}.
   */
  public BuildReason reason() {
    return reason;
  }
}
