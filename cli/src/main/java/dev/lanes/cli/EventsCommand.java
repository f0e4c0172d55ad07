package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lanes events}: the platform's events (builds, releases, lanes), one line each, or one
 * CloudEvent per line with {@code -o json}. Without {@code --follow} it prints the events kept
 * after {@code --since} (all of them by default) and stops once it has caught up; with it, it goes
 * on with new events, resuming with {@code Last-Event-ID} when the connection drops.
 */
@Command(
    name = "events",
    description = "The platform's build, release and lane events, one per line.")
public final class EventsCommand extends LanesCommand {

  /** How long the stream must stay quiet before a replay counts as caught up. */
  private static final Duration CAUGHT_UP = Duration.ofSeconds(1);

  /** The same before the first event: connecting and the first page of the replay take longer. */
  private static final Duration FIRST = Duration.ofSeconds(3);

  private static final Duration RECONNECT = Duration.ofSeconds(2);

  @Option(
      names = {"-f", "--follow"},
      description = "Go on with new events (Ctrl-C stops)")
  boolean follow;

  @Option(
      names = "--types",
      paramLabel = "TYPES",
      split = ",",
      description = "build, release, lane (default: all)")
  List<String> types;

  @Option(
      names = "--app",
      paramLabel = "APP",
      description = "Only this app's build and release events")
  String app;

  @Option(
      names = "--lane",
      paramLabel = "LANE",
      description = "Only release events in this lane, and the lane's own")
  String lane;

  @Option(
      names = "--since",
      paramLabel = "ID",
      description = "Events after this id (default: all kept; with --follow, only new ones)")
  String since;

  @Option(names = "--limit", paramLabel = "N", description = "Stop after N events")
  Integer limit;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws InterruptedException {
    boolean json = output.printer(out()).format() == Printer.Format.JSON;
    String path = path();
    String last = since != null ? since : follow ? null : "0";
    int printed = 0;
    while (true) {
      String from = last;
      try (EventQueue events = EventQueue.start(h -> api().stream(path, from, h), "events")) {
        while (limit == null || printed < limit) {
          Duration quiet = printed == 0 ? FIRST : CAUGHT_UP;
          EventQueue.Next next = events.next(follow ? Duration.ofDays(1) : quiet);
          if (next.ended()) {
            break;
          }
          if (next.event() == null) {
            return ExitCodes.OK; // caught up
          }
          last = next.event().id();
          out().println(json ? next.event().json().toString() : line(next.event()));
          out().flush();
          printed++;
        }
        if (limit != null && printed >= limit) {
          return ExitCodes.OK;
        }
        RuntimeException failure = events.failure().orElse(null);
        if (failure != null && !(failure instanceof UncheckedIOException)) {
          throw failure; // refused: not something a reconnection fixes
        }
      }
      if (!follow) {
        return ExitCodes.OK;
      }
      err().println("event stream lost; resuming after " + last);
      Thread.sleep(RECONNECT.toMillis());
    }
  }

  private String path() {
    List<String> query = new ArrayList<>();
    if (types != null && !types.isEmpty()) {
      query.add("types=" + ApiClient.enc(String.join(",", types)));
    }
    if (app != null) {
      query.add("app=" + ApiClient.enc(app));
    }
    if (lane != null) {
      query.add("lane=" + ApiClient.enc(lane));
    }
    return "/events" + (query.isEmpty() ? "" : "?" + String.join("&", query));
  }

  /** {@code 1042 2025-11-25T10:00:00Z release.status app=web lane=dev status=deployed ...}. */
  static String line(ApiClient.Event event) {
    JsonNode ce = event.json();
    JsonNode data = ce.path("data");
    StringBuilder b =
        new StringBuilder()
            .append(event.id())
            .append("  ")
            .append(ce.path("time").asText())
            .append("  ")
            .append(ce.path("type").asText(event.event()).replaceFirst("^dev\\.lanes\\.", ""));
    String sep = "  ";
    for (String f :
        List.of("app", "lane", "name", "revision", "tag", "status", "reason", "message")) {
      JsonNode v = data.get(f);
      if (v != null && !v.isNull() && !v.asText().isEmpty() && !v.isContainerNode()) {
        b.append(sep).append(f).append('=').append(v.asText());
        sep = " ";
      }
    }
    return b.toString();
  }
}
