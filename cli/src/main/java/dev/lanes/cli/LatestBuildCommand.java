package dev.lanes.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lanes latest-build APP}: the app's latest successful build, as the seed's target. */
@Command(
    name = "latest-build",
    description = "The latest successful build of an app: its tag, image and commit.")
public final class LatestBuildCommand extends LanesCommand {

  static final List<Printer.Column> COLUMNS =
      List.of(
          Printer.Column.of("id", "id"),
          Printer.Column.of("tag", "tag"),
          Printer.Column.of("ref", "git_ref"),
          Printer.Column.of("status", "status"),
          Printer.Column.of("finished", "finished_at"),
          Printer.Column.wide("image", "image"),
          Printer.Column.wide("commit", "commit"));

  @Parameters(paramLabel = "APP")
  String app;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    var build = api().get("/apps/" + ApiClient.enc(app) + "/builds/latest");
    output.printer(out()).one("build", build, COLUMNS);
    return ExitCodes.OK;
  }
}
