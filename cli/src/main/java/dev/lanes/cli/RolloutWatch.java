package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Releases a tag to a lane and follows the rollout: the release is read every half second and each
 * status it passes through is printed on standard error, until {@code deployed} or {@code failed}.
 */
final class RolloutWatch {

  private static final Duration POLL = Duration.ofMillis(300);

  private final ApiClient api;
  private final PrintWriter err;

  RolloutWatch(ApiClient api, PrintWriter err) {
    this.api = api;
    this.err = err;
  }

  static String path(String id) {
    return "/releases/" + ApiClient.enc(id);
  }

  static String label(JsonNode release) {
    return release.path("app").asText()
        + "/"
        + release.path("lane").asText()
        + " revision "
        + release.path("revision").asText();
  }

  /** Creates or changes the release of {@code app} in {@code lane}: a new revision, pending. */
  JsonNode release(
      String app, String lane, String tag, Integer replicas, Map<String, String> envs) {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("app", app).put("lane", lane);
    Bodies.put(body, "tag", tag);
    Bodies.put(body, "replicas", replicas);
    Bodies.put(body, "envs", envs);
    JsonNode release = api.send("POST", "/releases/", body, Duration.ofSeconds(30));
    err.println(
        "release "
            + label(release)
            + " (tag "
            + release.path("tag").asText()
            + "): "
            + release.path("status").asText());
    err.flush();
    return release;
  }

  /** The release of {@code app} in {@code lane}; {@link ExitCodes#NOT_FOUND} when there is none. */
  JsonNode find(String app, String lane) {
    List<JsonNode> found =
        api.list("/releases/?app=" + ApiClient.enc(app) + "&lane=" + ApiClient.enc(lane));
    return found.stream()
        .filter(r -> r.path("app").asText().equals(app) && r.path("lane").asText().equals(lane))
        .findFirst()
        .orElseThrow(
            () ->
                new CliException(ExitCodes.NOT_FOUND, "no release of " + app + " in lane " + lane));
  }

  /**
   * Follows {@code release} until it is deployed and answers it then.
   *
   * @throws CliException {@link ExitCodes#FAILED} with the release's message when it fails, {@link
   *     ExitCodes#TIMEOUT} when {@code deadline} passes first
   */
  JsonNode follow(JsonNode release, Instant deadline) throws InterruptedException {
    Instant started = Instant.now();
    String shown = release.path("status").asText();
    JsonNode now = release;
    while (true) {
      String status = now.path("status").asText();
      if (!status.equals(shown)) {
        err.println(
            "release " + label(now) + ": " + status + " (" + BuildWatch.since(started) + ")");
        err.flush();
        shown = status;
      }
      switch (status) {
        case "deployed":
          return now;
        case "failed":
          throw new CliException(ExitCodes.FAILED, "release " + label(now) + " " + Outcome.of(now));
        case "deleting":
          throw new CliException(
              ExitCodes.FAILED, "release " + label(now) + " is being undeployed");
        default:
          break;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new CliException(
            ExitCodes.TIMEOUT,
            "release "
                + label(now)
                + " is still "
                + status
                + " after "
                + BuildWatch.since(started)
                + "; it goes on on the platform: lanes status "
                + now.path("app").asText());
      }
      Thread.sleep(POLL.toMillis());
      now = api.get(path(release.path("id").asText()));
    }
  }
}
