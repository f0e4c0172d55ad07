package dev.lanes.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code lanes} command has: the platform it talks to (from the root's options and the
 * environment), where it prints, and {@code -o} for the commands that read.
 */
@Command(mixinStandardHelpOptions = true)
public abstract class LanesCommand implements Callable<Integer> {

  @Spec protected CommandSpec spec;

  private ApiClient api;

  protected LanesCli root() {
    return (LanesCli) spec.root().userObject();
  }

  protected ApiClient api() {
    if (api == null) {
      api = root().client();
    }
    return api;
  }

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  /** {@code -o}, for commands that print resources. */
  public static class OutputOption {
    @Option(
        names = {"-o", "--output"},
        paramLabel = "FORMAT",
        defaultValue = "table",
        description = "table, wide, json, yaml or name (default: ${DEFAULT-VALUE})")
    String output;

    public Printer printer(PrintWriter out) {
      return new Printer(out, Printer.Format.parse(output));
    }
  }
}
