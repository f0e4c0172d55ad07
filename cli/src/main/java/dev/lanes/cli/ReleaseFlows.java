package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The release flows of the seed's Makefile as top-level commands, each naming the release by app
 * and lane: {@code release} (also the way back to an older tag), {@code rollback}, {@code undeploy}
 * and {@code history}.
 */
final class ReleaseFlows {

  private ReleaseFlows() {}

  /** {@code --lane}, required by every release flow. */
  static final class LaneOption {
    @Option(names = "--lane", paramLabel = "LANE", required = true)
    String lane;
  }

  /** {@code --wait[=DURATION]}: follow the rollout (5m when no duration is given). */
  static final class WaitOption {
    @Option(
        names = "--wait",
        paramLabel = "DURATION",
        arity = "0..1",
        fallbackValue = "5m",
        converter = DurationConverter.class,
        description =
            "Follow the rollout until deployed (default when given: 5m); exit 1 if it fails, 3 if it runs out")
    Duration wait;
  }

  /** Prints the release as it is now, or follows it when {@code --wait} asks. */
  static int settle(LanesCommand command, RolloutWatch rollouts, JsonNode release, Duration wait) {
    JsonNode shown = release;
    if (wait != null) {
      try {
        shown = rollouts.follow(release, Instant.now().plus(wait));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        command
            .err()
            .println(
                "interrupted: the rollout goes on on the platform: lanes status "
                    + release.path("app").asText());
        return Interruption.EXIT;
      }
    }
    command
        .out()
        .println(
            "release "
                + RolloutWatch.label(shown)
                + " (tag "
                + shown.path("tag").asText()
                + "): "
                + shown.path("status").asText());
    return ExitCodes.OK;
  }

  @Command(
      name = "release",
      description = {
        "Release a tag of an app to a lane (no build): switch lanes or go back to an older tag.",
        "Without --tag, the app's latest successful build."
      })
  static final class Release extends LanesCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin LaneOption lane;

    @Option(
        names = "--tag",
        paramLabel = "TAG",
        description = "default: the latest successful build's tag")
    String tag;

    @Option(names = "--replicas", paramLabel = "N")
    Integer replicas;

    @Option(
        names = "--env",
        paramLabel = "KEY=VALUE",
        description = "A release env (repeat); KEY= deletes it")
    Map<String, String> envs;

    @Mixin WaitOption wait;

    @Override
    public Integer call() {
      String t =
          tag != null
              ? tag
              : api().get("/apps/" + ApiClient.enc(app) + "/builds/latest").path("tag").asText();
      RolloutWatch rollouts = new RolloutWatch(api(), err());
      return settle(this, rollouts, rollouts.release(app, lane.lane, t, replicas, envs), wait.wait);
    }
  }

  @Command(
      name = "rollback",
      description =
          "Release an earlier revision again (default: the one before the current) as a new revision.")
  static final class Rollback extends LanesCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin LaneOption lane;

    @Option(
        names = "--revision",
        paramLabel = "N",
        description = "The revision to go back to (lanes history)")
    Integer revision;

    @Mixin WaitOption wait;

    @Override
    public Integer call() {
      RolloutWatch rollouts = new RolloutWatch(api(), err());
      JsonNode current = rollouts.find(app, lane.lane);
      var body = ApiClient.JSON.createObjectNode();
      Bodies.put(body, "revision", revision);
      JsonNode release =
          api()
              .send(
                  "POST",
                  RolloutWatch.path(current.path("id").asText()) + "/rollback",
                  body,
                  Duration.ofSeconds(30));
      err()
          .println(
              "rolled back "
                  + app
                  + "/"
                  + lane.lane
                  + " to the tag "
                  + release.path("tag").asText()
                  + " as revision "
                  + release.path("revision").asText());
      return settle(this, rollouts, release, wait.wait);
    }
  }

  @Command(
      name = "undeploy",
      description = "Delete the release of an app in a lane: its Deployment and Services go.")
  static final class Undeploy extends LanesCommand {
    @Parameters(paramLabel = "APP")
    String app;

    @Mixin LaneOption lane;

    @Option(
        names = "--wait",
        paramLabel = "DURATION",
        arity = "0..1",
        fallbackValue = "2m",
        converter = DurationConverter.class,
        description = "Wait until it is gone (default when given: 2m)")
    Duration wait;

    @Override
    public Integer call() throws InterruptedException {
      api()
          .send(
              "DELETE",
              "/releases/?app=" + ApiClient.enc(app) + "&lane=" + ApiClient.enc(lane.lane),
              null,
              Duration.ofSeconds(30));
      if (wait != null) {
        Instant deadline = Instant.now().plus(wait);
        RolloutWatch rollouts = new RolloutWatch(api(), err());
        while (exists(rollouts)) {
          if (Instant.now().isAfter(deadline)) {
            throw new CliException(
                ExitCodes.TIMEOUT,
                "release "
                    + app
                    + "/"
                    + lane.lane
                    + " is still being undeployed after "
                    + DurationConverter.format(wait));
          }
          Thread.sleep(300);
        }
        out().println("release " + app + "/" + lane.lane + " undeployed");
      } else {
        out().println("release " + app + "/" + lane.lane + " deleting");
      }
      return ExitCodes.OK;
    }

    private boolean exists(RolloutWatch rollouts) {
      try {
        rollouts.find(app, lane.lane);
        return true;
      } catch (CliException e) {
        if (e.exitCode() == ExitCodes.NOT_FOUND) {
          return false;
        }
        throw e;
      }
    }
  }

  @Command(
      name = "history",
      description = "The revisions of an app's release in a lane, newest first.")
  static final class History extends LanesCommand {
    static final List<Printer.Column> COLUMNS =
        List.of(
            Printer.Column.of("revision", "revision"),
            Printer.Column.of("tag", "tag"),
            Printer.Column.of("replicas", "replicas"),
            Printer.Column.of("cause", "cause"),
            Printer.Column.of("created", "created_at"),
            Printer.Column.wide("image", "image"),
            Printer.Column.wide("envs", "envs"));

    @Parameters(paramLabel = "APP")
    String app;

    @Mixin LaneOption lane;
    @Mixin OutputOption output;

    @Override
    public Integer call() {
      JsonNode current = new RolloutWatch(api(), err()).find(app, lane.lane);
      JsonNode history = api().get(RolloutWatch.path(current.path("id").asText()) + "/history");
      List<JsonNode> items = new java.util.ArrayList<>();
      history.forEach(items::add);
      output.printer(out()).list("revision", items, COLUMNS);
      return ExitCodes.OK;
    }
  }
}
