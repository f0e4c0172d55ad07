package dev.lanes.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes logs APP --lane L}: the lane's pods' logs merged in time order, each line prefixed.
 */
@Command(name = "logs", description = "The logs of an app's pods in a lane, merged in time order.")
public final class LogsCommand extends LanesCommand {

  @Parameters(paramLabel = "APP")
  String app;

  @Option(
      names = "--lane",
      paramLabel = "LANE",
      defaultValue = "prod",
      description = "default: ${DEFAULT-VALUE}")
  String lane;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines (Ctrl-C stops)")
  boolean follow;

  @Option(
      names = "--tail",
      paramLabel = "N",
      description = "Lines per pod (default: the platform's, 200)")
  Integer tail;

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      description = "Lines newer than this, e.g. 10m")
  String since;

  @Override
  public Integer call() {
    StringBuilder path =
        new StringBuilder("/apps/")
            .append(ApiClient.enc(app))
            .append("/logs?lane=")
            .append(ApiClient.enc(lane));
    if (tail != null) {
      path.append("&tail=").append(tail);
    }
    if (since != null) {
      DurationConverter.parse(since);
      path.append("&since=").append(ApiClient.enc(since));
    }
    if (follow) {
      path.append("&follow=true");
    }
    LogStreams.print(api(), path.toString(), out());
    return ExitCodes.OK;
  }
}
