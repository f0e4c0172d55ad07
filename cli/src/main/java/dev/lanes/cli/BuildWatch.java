package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Starts a build and follows it to its end: the Kaniko log on standard output as the build pod
 * writes it (the build log's event stream), and a progress line on standard error at every status
 * change and every half minute (status and time so far). The build's status is read from the API,
 * so the outcome never depends on the log stream.
 */
final class BuildWatch {

  static final Set<String> TERMINAL = Set.of("succeeded", "failed", "cancelled");
  private static final Duration POLL = Duration.ofMillis(500);
  private static final Duration QUIET = Duration.ofSeconds(30);
  private static final Duration LOG_TAIL = Duration.ofSeconds(5);

  private final ApiClient api;
  private final PrintWriter out;
  private final PrintWriter err;
  private boolean warned;
  private int printed;

  BuildWatch(ApiClient api, PrintWriter out, PrintWriter err) {
    this.api = api;
    this.out = out;
    this.err = err;
  }

  static String path(String app, String id) {
    return "/apps/" + ApiClient.enc(app) + "/builds/" + ApiClient.enc(id);
  }

  /** Asks for a build of {@code ref}; the answer is the build {@code pending}, or one reused. */
  JsonNode start(String app, String ref, boolean force) {
    ObjectNode body = ApiClient.JSON.createObjectNode().put("git_ref", ref);
    if (force) {
      body.put("force", true);
    }
    JsonNode build =
        api.send("POST", "/apps/" + ApiClient.enc(app) + "/builds/", body, Duration.ofSeconds(30));
    err.println(
        "build "
            + build.path("id").asText()
            + " of "
            + app
            + " at "
            + ref
            + ": "
            + build.path("status").asText());
    err.flush();
    return build;
  }

  /**
   * Follows {@code build} until it ends and answers it as it ended.
   *
   * @throws CliException {@link ExitCodes#TIMEOUT} when {@code deadline} passes first
   */
  JsonNode follow(JsonNode build, Instant deadline) throws InterruptedException {
    String app = build.path("app").asText();
    String id = build.path("id").asText();
    Instant started = Instant.now();
    String logs = path(app, id) + "/logs?follow=true";
    try (EventQueue log = EventQueue.start(h -> api.stream(logs, null, h), "build-log-" + id)) {
      String shown = build.path("status").asText();
      Instant lastProgress = started;
      while (true) {
        JsonNode now = api.get(path(app, id));
        String status = now.path("status").asText();
        if (!status.equals(shown)
            || Duration.between(lastProgress, Instant.now()).compareTo(QUIET) > 0) {
          progress(id, status, started);
          shown = status;
          lastProgress = Instant.now();
        }
        if (TERMINAL.contains(status)) {
          printUntil(log, Instant.now().plus(LOG_TAIL), true);
          if (now.hasNonNull("reused_from")) {
            err.println(
                "build "
                    + id
                    + " reused the image of build "
                    + now.get("reused_from").asText()
                    + " (same commit; --force builds again)");
          } else if (printed == 0) {
            // a build that ended before its stream caught a line: its saved log, read once
            LogStreams.print(api, path(app, id) + "/logs", out);
          }
          return now;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new CliException(
              ExitCodes.TIMEOUT,
              "build "
                  + id
                  + " is still "
                  + status
                  + " after "
                  + since(started)
                  + "; it "
                  + keepsRunning(app, id));
        }
        printUntil(log, Instant.now().plus(POLL), false);
      }
    }
  }

  /** What an interrupted or timed-out user is told: the build goes on, and how to follow it. */
  static String keepsRunning(String app, String id) {
    return "keeps running on the platform. Follow it with:\n"
        + "  lanes builds logs "
        + app
        + " "
        + id
        + " -f\n"
        + "  lanes builds get "
        + app
        + " "
        + id;
  }

  private void progress(String id, String status, Instant started) {
    err.println("build " + id + ": " + status + " (" + since(started) + ")");
    err.flush();
  }

  static String since(Instant started) {
    return DurationConverter.format(
        Duration.ofSeconds(Duration.between(started, Instant.now()).toSeconds()));
  }

  /** Prints log lines until {@code until}, or, when {@code toEnd}, until the stream ends. */
  private void printUntil(EventQueue log, Instant until, boolean toEnd)
      throws InterruptedException {
    while (true) {
      Duration left = Duration.between(Instant.now(), until);
      if (left.isNegative() || left.isZero()) {
        return;
      }
      EventQueue.Next next = log.next(left);
      if (next.ended()) {
        if (!warned && log.failure().isPresent()) {
          warned = true;
          err.println("(the build log is not available: " + log.failure().get().getMessage() + ")");
        }
        if (!toEnd) {
          Thread.sleep(left.toMillis()); // the stream is gone; the status still tells the end
        }
        return;
      }
      if (next.event() != null && "message".equals(next.event().event())) {
        out.println(next.event().data());
        out.flush();
        printed++;
      }
    }
  }
}
