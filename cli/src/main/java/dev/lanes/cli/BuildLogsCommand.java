package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes builds logs APP ID}: a build's Kaniko log, saved or live. A build that failed or was
 * cancelled exits 1 with its message on stderr, so a build that failed before its Job ran (an
 * unknown ref) still says why.
 */
@Command(
    name = "logs",
    description = {
      "A build's log; with -f, live until the build ends.",
      "Exits 1 (its message on stderr) when the build failed or was cancelled."
    })
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
    // without an end event (a stream cut short) the build itself says how it ended
    JsonNode how = end != null ? end.json() : api().get(BuildWatch.path(app, id));
    String status = how.path("status").asText();
    if (!BuildsCommand.TERMINAL.contains(status) || status.equals("succeeded")) {
      return ExitCodes.OK;
    }
    err().println("error: build " + id + " " + Outcome.of(how));
    return ExitCodes.FAILED;
  }
}
