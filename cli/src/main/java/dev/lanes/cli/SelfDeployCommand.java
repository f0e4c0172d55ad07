package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lanes self-deploy}: the platform deploys itself blue/green, as the seed's {@code make
 * self-deploy}. Talking to the blue instance ({@code x-lane: blue}) it builds its own app and
 * releases the image to {@code prod}; once prod is deployed it releases the same tag to {@code
 * blue} through prod ({@code x-lane: prod}), so neither instance ever replaces the one serving the
 * call. A prod that fails stops the flow before blue is touched.
 */
@Command(
    name = "self-deploy",
    description = {
      "Deploy the platform itself blue/green: build its app through blue, release it to prod,",
      "then, once prod is deployed, release blue through prod. Stops before blue if prod fails."
    })
public final class SelfDeployCommand extends LanesCommand {

  /** The app the installation's gateway runs as (deploy/kubernetes, app=lanes-gateway). */
  static final String PLATFORM_APP = "lanes-gateway";

  @Option(
      names = "--ref",
      paramLabel = "REF",
      defaultValue = "main",
      description = "default: ${DEFAULT-VALUE}")
  String ref;

  @Option(
      names = "--app",
      paramLabel = "APP",
      defaultValue = PLATFORM_APP,
      description = "The platform's own app (default: ${DEFAULT-VALUE})")
  String app;

  @Option(
      names = "--wait",
      paramLabel = "DURATION",
      defaultValue = "15m",
      converter = DurationConverter.class,
      description = "For the build and both rollouts (default: ${DEFAULT-VALUE})")
  Duration wait;

  @Option(names = "--force", description = "Build again even if this commit was built")
  boolean force;

  private volatile String advice;

  @Override
  public Integer call() {
    Instant deadline = Instant.now().plus(wait);
    try (Interruption stop = Interruption.watch(err(), () -> advice)) {
      try {
        String tag = run(deadline);
        out().println("self-deploy of " + app + " " + tag + " done: prod and blue deployed");
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

  private ApiClient via(String lane) {
    Target t = api().target();
    return new ApiClient(new Target(t.url(), t.apiKey(), t.context(), lane, t.registry()));
  }

  private String run(Instant deadline) throws InterruptedException {
    ApiClient blue = via("blue");
    ApiClient prod = via("prod");
    requireApp(blue);
    err().println("1/3 build " + app + " at " + ref + " (through blue)");
    BuildWatch builds = new BuildWatch(blue, out(), err());
    JsonNode build = builds.start(app, ref, force);
    String id = build.path("id").asText();
    advice = "build " + id + " of " + app + " " + BuildWatch.keepsRunning(app, id);
    JsonNode built = builds.follow(build, deadline);
    if (!"succeeded".equals(built.path("status").asText())) {
      advice = null;
      throw new CliException(
          ExitCodes.FAILED,
          "build " + id + " " + Outcome.of(built) + "; neither prod nor blue was touched");
    }
    String tag = built.path("tag").asText();
    err().println("2/3 release " + tag + " to prod (through blue)");
    releaseTo(
        blue, "prod", tag, deadline, "; blue was not touched and still runs the previous version");
    err().println("3/3 release " + tag + " to blue (through prod)");
    releaseTo(prod, "blue", tag, deadline, "; prod runs " + tag);
    return tag;
  }

  private void requireApp(ApiClient blue) {
    try {
      blue.get("/apps/" + ApiClient.enc(app));
    } catch (CliException e) {
      if (e.exitCode() != ExitCodes.NOT_FOUND) {
        throw e;
      }
      throw new CliException(
          ExitCodes.NOT_FOUND,
          "the platform's own app '"
              + app
              + "' is not registered: create its image repo and app"
              + " first (lanes apps create "
              + app
              + " --image-repo ... --port 8080), or name it with --app");
    }
  }

  private void releaseTo(ApiClient via, String lane, String tag, Instant deadline, String after)
      throws InterruptedException {
    RolloutWatch rollouts = new RolloutWatch(via, err());
    JsonNode release = rollouts.release(app, lane, tag, null, null);
    advice =
        "release "
            + RolloutWatch.label(release)
            + " keeps rolling out on the platform"
            + ("prod".equals(lane)
                ? "; blue was not released yet: lanes release "
                    + app
                    + " --lane blue --tag "
                    + tag
                    + " --via-lane prod"
                : "")
            + ". Follow it with: lanes status "
            + app;
    try {
      rollouts.follow(release, deadline);
    } catch (CliException e) {
      advice = null;
      throw new CliException(e.exitCode(), lane + ": " + e.getMessage() + after);
    }
  }
}
