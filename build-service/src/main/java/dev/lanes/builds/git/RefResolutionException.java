package dev.lanes.builds.git;

/** A ref could not be resolved; the message says why, for the build's {@code message}. */
public final class RefResolutionException extends Exception {

  private final boolean transientFailure;

  public RefResolutionException(String message, boolean transientFailure) {
    super(message);
    this.transientFailure = transientFailure;
  }

  /** Whether the repository could not be reached (as opposed to the ref not existing). */
  public boolean isUnreachable() {
    return transientFailure;
  }
}
