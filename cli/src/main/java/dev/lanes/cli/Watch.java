package dev.lanes.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@code --watch}: reads the resource every two seconds and prints it again only when it changed
 * (what the API answered, not the rendering: an AGE column ticking is no change), until Ctrl-C.
 * Successive tables are separated by a blank line; YAML documents start with {@code ---} anyway,
 * and JSON documents simply follow each other, as {@code jq} reads them.
 */
public final class Watch {

  public static final Duration EVERY = Duration.ofSeconds(2);

  private Watch() {}

  /** {@code -w}/{@code --watch}, for the reads where following a resource makes sense. */
  public static final class Flag {
    @picocli.CommandLine.Option(
        names = {"-w", "--watch"},
        description = "Print again whenever it changes (read every 2 s), until Ctrl-C")
    boolean on;

    /** Prints {@code fetch()} once, or, with {@code --watch}, as long as {@link #poll} does. */
    public <T> int print(PrintWriter out, Printer printer, Supplier<T> fetch, Consumer<T> print) {
      if (!on) {
        print.accept(fetch.get());
        return ExitCodes.OK;
      }
      return poll(out, printer.format(), fetch, print);
    }
  }

  /**
   * Prints {@code fetch()} with {@code print}, then again whenever it changed; returns when the
   * thread is interrupted. A failed read ends the watch with that failure's exit code.
   */
  public static <T> int poll(
      PrintWriter out, Printer.Format format, Supplier<T> fetch, Consumer<T> print) {
    T shown = null;
    boolean first = true;
    while (!Thread.currentThread().isInterrupted()) {
      T now = fetch.get();
      if (first || !Objects.equals(now, shown)) {
        if (!first) {
          separate(out, format);
        }
        print.accept(now);
        out.flush();
        shown = now;
        first = false;
      }
      try {
        Thread.sleep(EVERY.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ExitCodes.OK;
  }

  private static void separate(PrintWriter out, Printer.Format format) {
    if (format == Printer.Format.TABLE || format == Printer.Format.WIDE) {
      out.println();
    }
  }
}
