package dev.lanes.cli;

/** What {@code lanes} exits with, for scripts; listed in {@code lanes --help} and docs/cli.md. */
public final class ExitCodes {

  public static final int OK = 0;

  /**
   * The operation failed: a refused request, a failed build or rollout, an unreachable platform.
   */
  public static final int FAILED = 1;

  /** Unknown command or flag, missing or malformed argument. */
  public static final int USAGE = 2;

  /** A {@code --wait} ran out. */
  public static final int TIMEOUT = 3;

  /** The app, release, lane, build or key does not exist. */
  public static final int NOT_FOUND = 4;

  /** No API key, a wrong one, or one without the scope the command needs. */
  public static final int AUTH = 5;

  /** Interrupted (Ctrl-C): what the shell reports for SIGINT; the work on the platform goes on. */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}
}
