package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanes releases}: one per app and lane, a tag rolled out as a Deployment. */
@Command(
    mixinStandardHelpOptions = true,
    name = "releases",
    aliases = "rel",
    description = "List, show and create releases, and show their rollout.",
    subcommands = {
      ReleasesCommand.List.class,
      ReleasesCommand.Get.class,
      ReleasesCommand.Create.class,
      ReleasesCommand.Status.class
    })
public final class ReleasesCommand {

  static final String KIND = "release";

  static final Set<String> TERMINAL = Set.of("deployed", "failed");

  static final java.util.List<Printer.Column> COLUMNS =
      java.util.List.of(
          Printer.Column.of("id", "id"),
          Printer.Column.of("app", "app"),
          Printer.Column.of("lane", "lane"),
          Printer.Column.of("tag", "tag"),
          Printer.Column.of("revision", "revision"),
          Printer.Column.of("status", "status"),
          Printer.Column.wide("replicas", "replicas"),
          Printer.Column.wide("image", "image"),
          Printer.Column.wide("deployment", "deployment"),
          Printer.Column.wide("service", "service"),
          Printer.Column.wide("reason", "reason"),
          Printer.Column.wide("message", "message"),
          Printer.Column.wide("updated", "updated_at"),
          Age.since("age", "created_at"));

  static final java.util.List<Printer.Column> ROLLOUT =
      java.util.List.of(
          Printer.Column.of("deployment", "deployment"),
          Printer.Column.of("desired", "desired"),
          Printer.Column.of("updated", "updated"),
          Printer.Column.of("ready", "ready"),
          Printer.Column.of("available", "available"));

  static final java.util.List<Printer.Column> PODS =
      java.util.List.of(
          Printer.Column.of("pod", "name"),
          Printer.Column.of("ready", "ready"),
          new Printer.Column("status", ReleasesCommand::podStatus, false),
          Printer.Column.of("restarts", "restarts"),
          Printer.Column.of("version", "version"),
          Age.since("age", "started_at"));

  /** What the API answers but does not take: dropped from {@code -f} files. */
  static final String[] READ_ONLY = {
    "id",
    "image",
    "revision",
    "status",
    "reason",
    "message",
    "deployment",
    "service",
    "created_at",
    "updated_at"
  };

  static String path(String id) {
    return "/releases/" + ApiClient.enc(id);
  }

  private static String podStatus(JsonNode pod) {
    String waiting = Printer.text(pod.get("waiting_reason"));
    return waiting.isEmpty() ? Printer.text(pod.get("phase")) : waiting;
  }

  @Command(name = "list", aliases = "ls", description = "List releases, by app and lane.")
  static final class List extends LanesCommand {
    @Option(names = "--app", paramLabel = "APP", description = "Only this app's")
    String app;

    @Option(names = "--lane", paramLabel = "LANE", description = "Only those in this lane")
    String lane;

    @Mixin OutputOption output;
    @Mixin Watch.Flag watch;

    @Override
    public Integer call() {
      java.util.List<String> query = new ArrayList<>();
      if (app != null) {
        query.add("app=" + ApiClient.enc(app));
      }
      if (lane != null) {
        query.add("lane=" + ApiClient.enc(lane));
      }
      String path = "/releases/" + (query.isEmpty() ? "" : "?" + String.join("&", query));
      Printer printer = output.printer(out());
      return watch.print(
          out(), printer, () -> api().list(path), r -> printer.list(KIND, r, COLUMNS));
    }
  }

  @Command(name = "get", description = "Show one release.")
  static final class Get extends LanesCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Mixin OutputOption output;
    @Mixin Watch.Flag watch;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      return watch.print(
          out(), printer, () -> api().get(path(id)), r -> printer.one(KIND, r, COLUMNS));
    }
  }

  @Command(
      name = "create",
      description = {
        "Release a tag of an app into a lane; the release there, if any, gets a new revision.",
        "A file's envs replace the release's (envs: {} clears them); flags merge into them.",
        "With --wait: print the release once the rollout ended; exit 1 if it failed, 3 if the"
            + " wait ran out."
      })
  static final class Create extends LanesCommand {
    @Parameters(paramLabel = "APP", arity = "0..1", description = "The app (or the file's)")
    String app;

    @Option(names = "--lane", paramLabel = "LANE")
    String lane;

    @Option(
        names = "--tag",
        paramLabel = "TAG",
        description = "A succeeded build's tag; needed for a new release")
    String tag;

    @Option(names = "--replicas", description = "Default: the app's")
    Integer replicas;

    @Option(
        names = "--env",
        paramLabel = "KEY=VALUE",
        description =
            "An env over the app's (repeat); KEY= deletes it. Without -f envs merge into the"
                + " release's; a file's envs are its whole envs")
    Map<String, String> envs;

    @Option(
        names = {"-f", "--file"},
        paramLabel = "FILE",
        description = "YAML or JSON, e.g. what -o yaml printed; - reads stdin")
    File file;

    @Option(
        names = "--wait",
        paramLabel = "DURATION",
        converter = DurationConverter.class,
        description = "Wait this long for the rollout to end, e.g. 5m")
    Duration wait;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      ObjectNode body = Bodies.from(file, READ_ONLY);
      boolean fileEnvs = body.has("envs");
      Bodies.put(body, "app", app);
      Bodies.put(body, "lane", lane);
      Bodies.put(body, "tag", tag);
      Bodies.put(body, "replicas", replicas);
      Bodies.put(body, "envs", envs);
      if (fileEnvs) {
        Bodies.replace(body, "envs", currentEnvs(body), Set.of());
      }
      Printer printer = output.printer(out());
      if (wait == null) {
        printer.one(KIND, api().send("POST", "/releases/", body, Duration.ofSeconds(30)), COLUMNS);
        return ExitCodes.OK;
      }
      Instant deadline = Instant.now().plus(wait);
      JsonNode release =
          api().send("POST", "/releases/" + Waits.query(wait), body, Waits.answerTimeout(wait));
      String id = release.path("id").asText();
      release =
          Waits.until(
              api(),
              path(id),
              release,
              TERMINAL,
              deadline,
              "the rollout goes on: lanes releases status " + id);
      printer.one(KIND, release, COLUMNS);
      return outcome(release);
    }

    /**
     * The envs of the release there is in the body's app and lane, if any: the API merges envs key
     * by key, so a file's envs replace these.
     */
    private JsonNode currentEnvs(ObjectNode body) {
      String a = body.path("app").asText("");
      String l = body.path("lane").asText("");
      if (a.isEmpty() || l.isEmpty()) {
        return ApiClient.JSON.createObjectNode(); // the API says what is missing
      }
      String query = "/releases/?app=" + ApiClient.enc(a) + "&lane=" + ApiClient.enc(l);
      return api().list(query).stream()
          .filter(r -> a.equals(r.path("app").asText()) && l.equals(r.path("lane").asText()))
          .findFirst()
          .map(r -> r.path("envs"))
          .orElse(ApiClient.JSON.createObjectNode());
    }

    private int outcome(JsonNode release) {
      String id = release.path("id").asText();
      String status = release.path("status").asText();
      if (status.equals("deployed")) {
        return ExitCodes.OK;
      }
      if (status.equals("failed")) {
        err().println("error: release " + id + " " + Outcome.of(release));
        err().println("  its pods: lanes releases status " + id);
        return ExitCodes.FAILED;
      }
      err()
          .println(
              "error: release "
                  + id
                  + " is still "
                  + status
                  + " after "
                  + DurationConverter.format(wait)
                  + "; the rollout goes on: lanes releases status "
                  + id);
      return ExitCodes.TIMEOUT;
    }
  }

  @Command(
      name = "status",
      description = "The rollout as the cluster shows it now: replicas, then each pod.")
  static final class Status extends LanesCommand {
    @Parameters(paramLabel = "ID")
    String id;

    @Mixin OutputOption output;
    @Mixin Watch.Flag watch;

    @Override
    public Integer call() {
      Printer printer = output.printer(out());
      return watch.print(
          out(), printer, () -> api().get(path(id) + "/status"), s -> print(printer, s));
    }

    private void print(Printer printer, JsonNode rollout) {
      java.util.List<JsonNode> pods = new ArrayList<>();
      rollout.path("pods").forEach(pods::add);
      switch (printer.format()) {
        case JSON, YAML -> printer.one(KIND, rollout, ROLLOUT);
        case NAME -> printer.list("pod", pods, PODS);
        default -> {
          printer.one("deployment", rollout, ROLLOUT);
          out().println();
          printer.list("pod", pods, PODS);
        }
      }
    }
  }
}
