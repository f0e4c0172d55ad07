package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes deploy APP}: build a git ref, show the build's log as it runs, release the built tag
 * to a lane and follow the rollout to {@code deployed}. The seed's {@code make deploy}.
 */
@Command(
    name = "deploy",
    description = {
      "Build a git ref of an app, release the image to a lane and wait until it is deployed.",
      "Exits 1 with the reason when the build or the rollout fails, 3 when --wait runs out.",
      "Ctrl-C leaves the build or rollout running on the platform and prints how to follow it."
    })
public final class DeployCommand extends LanesCommand {

  @Parameters(paramLabel = "APP")
  String app;

  @Option(
      names = "--lane",
      paramLabel = "LANE",
      defaultValue = "prod",
      description = "default: ${DEFAULT-VALUE}")
  String lane;

  @Option(
      names = "--ref",
      paramLabel = "REF",
      defaultValue = "main",
      description = "Branch, tag or commit (default: ${DEFAULT-VALUE})")
  String ref;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = DurationConverter.class,
      description = "For the build and the rollout together (default: ${DEFAULT-VALUE})")
  Duration wait;

  @Option(names = "--force", description = "Build again even if this commit was built")
  boolean force;

  @Option(
      names = "--replicas",
      paramLabel = "N",
      description = "Replicas in the lane (default: the release's, else the app's)")
  Integer replicas;

  @Option(
      names = "--env",
      paramLabel = "KEY=VALUE",
      description = "A release env (repeat); KEY= deletes it")
  Map<String, String> envs;

  /** What Ctrl-C says at this point of the flow; {@code null} once nothing runs on. */
  private volatile String advice;

  @Override
  public Integer call() {
    Instant deadline = Instant.now().plus(wait);
    try (Interruption stop = Interruption.watch(err(), () -> advice)) {
      try {
        JsonNode release = run(deadline);
        out()
            .println(
                "deployed "
                    + app
                    + " "
                    + release.path("tag").asText()
                    + " to lane "
                    + lane
                    + " (revision "
                    + release.path("revision").asText()
                    + ")");
        return ExitCodes.OK;
      } catch (InterruptedException e) {
        return stop.interrupted();
      } catch (CliException e) {
        if (Thread.interrupted()) {
          return stop.interrupted(); // the interruption met an HTTP call
        }
        throw e;
      } finally {
        advice = null;
      }
    }
  }

  private JsonNode run(Instant deadline) throws InterruptedException {
    // the lane first: a missing lane is better said before a build than after it
    api().get("/lanes/" + ApiClient.enc(lane));
    BuildWatch builds = new BuildWatch(api(), out(), err());
    JsonNode build = builds.start(app, ref, force);
    String id = build.path("id").asText();
    advice =
        "build "
            + id
            + " of "
            + app
            + " "
            + BuildWatch.keepsRunning(app, id)
            + "\nNothing was released to "
            + lane
            + "; once it succeeds: lanes release "
            + app
            + " --lane "
            + lane
            + " --tag <tag> (lanes latest-build "
            + app
            + ")";
    JsonNode built = builds.follow(build, deadline);
    if (!"succeeded".equals(built.path("status").asText())) {
      advice = null;
      throw new CliException(
          ExitCodes.FAILED,
          "build " + id + " " + Outcome.of(built) + " (lanes builds logs " + app + " " + id + ")");
    }
    RolloutWatch rollouts = new RolloutWatch(api(), err());
    JsonNode release = rollouts.release(app, lane, built.path("tag").asText(), replicas, envs);
    advice =
        "release "
            + RolloutWatch.label(release)
            + " keeps rolling out on the platform. Follow it with:\n"
            + "  lanes status "
            + app
            + " --watch\n"
            + "  lanes history "
            + app
            + " --lane "
            + lane;
    return rollouts.follow(release, deadline);
  }
}
