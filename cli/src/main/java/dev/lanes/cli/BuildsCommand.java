package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanes builds}: an app's image built at a git ref by a Kaniko Job. */
@Command(
    mixinStandardHelpOptions = true,
    name = "builds",
    aliases = "build",
    description = "List, show, start and cancel an app's builds, and read their logs.",
    subcommands = {
      BuildsCommand.List.class,
      BuildsCommand.Get.class,
      BuildsCommand.Start.class,
      BuildsCommand.Cancel.class,
      BuildLogsCommand.class
    })
public final class BuildsCommand {

  static final String KIND = "build";

  static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");

  static final java.util.List<Printer.Column> COLUMNS =
      java.util.List.of(
          Printer.Column.of("id", "id"),
          Printer.Column.of("status", "status"),
          Printer.Column.of("ref", "git_ref"),
          Printer.Column.of("tag", "tag"),
          Printer.Column.wide("commit", "commit"),
          Printer.Column.wide("image", "image"),
          Printer.Column.wide("reused from", "reused_from"),
          Printer.Column.wide("reason", "reason"),
          Printer.Column.wide("message", "message"),
          Printer.Column.wide("started", "started_at"),
          Printer.Column.wide("finished", "finished_at"),
          Age.since("age", "created_at"));

  static String builds(String app) {
    return "/apps/" + ApiClient.enc(app) + "/builds/";
  }

  static String path(String app, String id) {
    return builds(app) + ApiClient.enc(id);
  }

  @Command(name = "list", aliases = "ls", description = "List an app's builds, newest first.")
  static final class List extends LanesCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin OutputOption output;
    @Mixin Watch.Flag watch;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      return watch.print(
          out(), printer, () -> api().list(builds(app)), b -> printer.list(KIND, b, COLUMNS));
    }
  }

  @Command(
      name = "get",
      description = "Show one build; ID 'latest' is the app's newest succeeded build.")
  static final class Get extends LanesCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Mixin OutputOption output;
    @Mixin Watch.Flag watch;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      return watch.print(
          out(), printer, () -> api().get(path(app, id)), b -> printer.one(KIND, b, COLUMNS));
    }
  }

  @Command(
      name = "start",
      description = {
        "Build the app's image repo at a git ref.",
        "With --wait: print the build once it ended; exit 1 if it failed or was cancelled, 3 if"
            + " the wait ran out."
      })
  static final class Start extends LanesCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Option(
        names = "--ref",
        paramLabel = "REF",
        defaultValue = "main",
        description = "A branch, tag or commit (default: ${DEFAULT-VALUE})")
    String ref;

    @Option(names = "--force", description = "Build even when this commit was built before")
    boolean force;

    @Option(
        names = "--build-arg",
        paramLabel = "NAME=VALUE",
        description = "A build argument for this build only, over the image repo's; repeatable")
    java.util.Map<String, String> buildArgs;

    @Option(names = "--no-cache", description = "Build this once without the layer cache")
    boolean noCache;

    @Option(
        names = "--wait",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Wait this long for the build to end, e.g. 10m")
    Duration wait;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      ObjectNode body = ApiClient.JSON.createObjectNode().put("git_ref", ref);
      if (force) {
        body.put("force", true);
      }
      if (buildArgs != null) {
        buildArgs.forEach(body.putObject("build_args")::put);
      }
      if (noCache) {
        body.put("no_cache", true);
      }
      if (wait == null) {
        printer.one(KIND, api().send("POST", builds(app), body, Duration.ofSeconds(30)), COLUMNS);
        return ExitCodes.OK;
      }
      Instant deadline = Instant.now().plus(wait);
      JsonNode build =
          api().send("POST", builds(app) + Waits.query(wait), body, Waits.answerTimeout(wait));
      String id = build.path("id").asText();
      build =
          Waits.until(
              api(),
              path(app, id),
              build,
              TERMINAL,
              deadline,
              "build " + id + " goes on: lanes builds get " + app + " " + id);
      printer.one(KIND, build, COLUMNS);
      return outcome(build, app, wait);
    }

    private int outcome(JsonNode build, String app, Duration wait) {
      String id = build.path("id").asText();
      String status = build.path("status").asText();
      if (status.equals("succeeded")) {
        return ExitCodes.OK;
      }
      if (TERMINAL.contains(status)) {
        err().println("error: build " + id + " " + Outcome.of(build));
        err().println("  its log: lanes builds logs " + app + " " + id);
        return ExitCodes.FAILED;
      }
      err()
          .println(
              "error: build "
                  + id
                  + " is still "
                  + status
                  + " after "
                  + DurationConverter.format(wait)
                  + "; it goes on: lanes builds get "
                  + app
                  + " "
                  + id);
      return ExitCodes.TIMEOUT;
    }
  }

  @Command(name = "cancel", description = "Cancel a build that has not ended.")
  static final class Cancel extends LanesCommand {
    @Parameters(index = "0", paramLabel = "APP")
    String app;

    @Parameters(index = "1", paramLabel = "ID")
    String id;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonNode build = api().send("POST", path(app, id) + "/cancel", null, Duration.ofSeconds(30));
      output.printer(out()).one(KIND, build, COLUMNS);
      return ExitCodes.OK;
    }
  }
}
