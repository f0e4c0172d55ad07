package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes lanes}: the lanes releases run in ({@code prod}, {@code blue}, and any made for a
 * branch or a test, optionally with a time to live). Not to be confused with {@link LanesCommand},
 * the base of every command.
 */
@Command(
    mixinStandardHelpOptions = true,
    name = "lanes",
    aliases = "lane",
    description = "List, show, create and delete lanes.",
    subcommands = {
      LaneCommand.List.class,
      LaneCommand.Get.class,
      LaneCommand.Create.class,
      LaneCommand.Delete.class
    })
public final class LaneCommand {

  static final String KIND = "lane";

  static final java.util.List<Printer.Column> COLUMNS =
      java.util.List.of(
          Printer.Column.of("name", "name"),
          Printer.Column.of("status", "status"),
          Printer.Column.of("protected", "protected"),
          Age.until("expires", "expires_at"),
          new Printer.Column("ttl", LaneCommand::ttl, true),
          Printer.Column.wide("expires at", "expires_at"),
          Printer.Column.wide("description", "description"),
          Printer.Column.wide("created", "created_at"),
          Age.since("age", "created_at"));

  static final String[] READ_ONLY = {"status", "expires_at", "created_at", "updated_at"};

  static String path(String name) {
    return "/lanes/" + ApiClient.enc(name);
  }

  private static String ttl(JsonNode lane) {
    JsonNode ttl = lane.get("ttl_seconds");
    return ttl == null || !ttl.isNumber()
        ? ""
        : DurationConverter.format(Duration.ofSeconds(ttl.asLong()));
  }

  @Command(name = "list", aliases = "ls", description = "List lanes, by name.")
  static final class List extends LanesCommand {
    @Mixin OutputOption output;
    @Mixin Watch.Flag watch;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      return watch.print(
          out(), printer, () -> api().list("/lanes/"), l -> printer.list(KIND, l, COLUMNS));
    }
  }

  @Command(name = "get", description = "Show one lane.")
  static final class Get extends LanesCommand {
    @Parameters(paramLabel = "LANE")
    String name;

    @Mixin OutputOption output;
    @Mixin Watch.Flag watch;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      return watch.print(
          out(), printer, () -> api().get(path(name)), l -> printer.one(KIND, l, COLUMNS));
    }
  }

  @Command(name = "create", description = "Create a lane.")
  static final class Create extends LanesCommand {
    @Parameters(paramLabel = "LANE", arity = "0..1", description = "Its name (or the file's)")
    String name;

    @Option(names = "--description")
    String description;

    @Option(
        names = "--ttl",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Remove the lane and its releases after this long: 1m to a year, e.g. 8h")
    Duration ttl;

    @Option(names = "--protected", description = "The lane cannot be deleted")
    boolean isProtected;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "YAML or JSON, e.g. what -o yaml printed; - reads stdin")
    File file;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = Bodies.from(file, READ_ONLY);
      Bodies.put(body, "name", name);
      Bodies.put(body, "description", description);
      if (ttl != null) {
        body.put("ttl_seconds", ttl.toSeconds());
      }
      if (isProtected) {
        body.put("protected", true);
      }
      JsonNode lane = api().send("POST", "/lanes/", body, Duration.ofSeconds(30));
      output.printer(out()).one(KIND, lane, COLUMNS);
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "delete",
      aliases = "rm",
      description = "Delete a lane: its releases are undeployed, then it is gone.")
  static final class Delete extends LanesCommand {
    @Parameters(paramLabel = "LANE")
    String name;

    @Override
    public Integer call() {
      JsonNode lane = api().send("DELETE", path(name), null, Duration.ofSeconds(30));
      out().println(KIND + "/" + name + " " + lane.path("status").asText("deleting"));
      return ExitCodes.OK;
    }
  }
}
