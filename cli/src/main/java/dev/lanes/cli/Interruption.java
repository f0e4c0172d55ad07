package dev.lanes.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * What a long flow says when it is stopped half way, Ctrl-C (a JVM shutdown hook) or an interrupted
 * thread alike: that the platform carries on without the CLI, and the commands that follow it. Says
 * it once; {@link #close()} removes the hook when the flow ends by itself.
 */
final class Interruption implements AutoCloseable {

  /** What a shell reports for a process stopped by SIGINT. */
  static final int EXIT = ExitCodes.INTERRUPTED;

  private final PrintWriter err;
  private final Supplier<String> advice;
  private final AtomicBoolean said = new AtomicBoolean();
  private final Thread hook;

  private Interruption(PrintWriter err, Supplier<String> advice) {
    this.err = err;
    this.advice = advice;
    this.hook = new Thread(this::say, "lanes-interrupted");
  }

  /** Until closed, Ctrl-C prints {@code advice} (when it gives one) before the JVM exits. */
  static Interruption watch(PrintWriter err, Supplier<String> advice) {
    Interruption i = new Interruption(err, advice);
    try {
      Runtime.getRuntime().addShutdownHook(i.hook);
    } catch (IllegalStateException e) {
      // already shutting down: nothing more to watch
    }
    return i;
  }

  /** For an {@link InterruptedException} caught by the flow: says it and gives the exit code. */
  int interrupted() {
    say();
    Thread.currentThread().interrupt();
    return EXIT;
  }

  private void say() {
    String text = advice.get();
    if (text != null && said.compareAndSet(false, true)) {
      err.println();
      err.println("interrupted: " + text);
      err.flush();
    }
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down and the hook runs
    }
  }
}
