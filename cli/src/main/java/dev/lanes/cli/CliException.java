package dev.lanes.cli;

/**
 * A failure the user caused or must know about: printed as one line (the problem's detail and
 * code), never as a stack trace, and the CLI exits with {@link #exitCode()}.
 */
public final class CliException extends RuntimeException {

  private final int exitCode;

  public CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
