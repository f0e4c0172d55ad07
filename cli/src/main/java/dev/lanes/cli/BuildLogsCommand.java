package dev.lanes.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanes builds logs APP ID}: a build's Kaniko log, saved or live. */
@Command(name = "logs", description = "A build's log; with -f, live until the build ends.")
public final class BuildLogsCommand extends LanesCommand {

  @Parameters(index = "0", paramLabel = "APP")
  String app;

  @Parameters(index = "1", paramLabel = "ID")
  String id;

  @Option(
      names = {"-f", "--follow"},
      description = "Follow the log until the build ends")
  boolean follow;

  @Override
  public Integer call() {
    String path = BuildWatch.path(app, id) + "/logs" + (follow ? "?follow=true" : "");
    ApiClient.Event end = LogStreams.print(api(), path, out());
    if (end != null) {
      var how = end.json();
      String status = how.path("status").asText();
      if (!"succeeded".equals(status)) {
        err()
            .println(
                "build "
                    + id
                    + ": "
                    + status
                    + (how.hasNonNull("message") ? ": " + how.get("message").asText() : ""));
      }
    }
    return ExitCodes.OK;
  }
}
