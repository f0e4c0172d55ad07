package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanes status [APP]}: every release as a row, app by lane, with its tag, status and ready
 * replicas (from the release's runtime status), as the seed's {@code make status}.
 */
@Command(
    name = "status",
    description =
        "What runs where: each app's releases by lane, with tag, status and ready replicas.")
public final class StatusCommand extends LanesCommand {

  static final List<Printer.Column> COLUMNS =
      List.of(
          Printer.Column.of("app", "app"),
          Printer.Column.of("lane", "lane"),
          Printer.Column.of("tag", "tag"),
          Printer.Column.of("status", "status"),
          Printer.Column.of("ready", "ready"),
          Printer.Column.wide("revision", "revision"),
          Printer.Column.wide("updated", "updated_at"),
          Printer.Column.wide("reason", "reason"),
          Printer.Column.wide("message", "message"));

  private static final Duration WATCH_EVERY = Duration.ofSeconds(2);

  @Parameters(paramLabel = "APP", arity = "0..1", description = "Only this app (default: all)")
  String app;

  @Option(
      names = {"-w", "--watch"},
      description = "Print the table again whenever it changes (Ctrl-C stops)")
  boolean watch;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws InterruptedException {
    String last = null;
    do {
      StringWriter text = new StringWriter();
      output.printer(new PrintWriter(text)).list("release", rows(), COLUMNS);
      if (!text.toString().equals(last)) {
        if (last != null) {
          out().println();
        }
        out().print(text);
        out().flush();
        last = text.toString();
      }
      if (watch) {
        Thread.sleep(WATCH_EVERY.toMillis());
      }
    } while (watch);
    return ExitCodes.OK;
  }

  private List<JsonNode> rows() {
    String path = app == null ? "/releases/" : "/releases/?app=" + ApiClient.enc(app);
    if (app != null) {
      api().get("/apps/" + ApiClient.enc(app)); // an unknown app is a 404, not an empty table
    }
    List<JsonNode> rows = new ArrayList<>();
    for (JsonNode r : api().list(path)) {
      rows.add(row(r));
    }
    return rows;
  }

  private JsonNode row(JsonNode release) {
    ObjectNode row = ApiClient.JSON.createObjectNode();
    for (String f :
        List.of("app", "lane", "tag", "status", "revision", "reason", "message", "updated_at")) {
      row.set(f, release.get(f));
    }
    try {
      JsonNode s = api().get(RolloutWatch.path(release.path("id").asText()) + "/status");
      row.put("ready", s.path("ready").asInt() + "/" + s.path("desired").asInt());
      row.put("desired_replicas", s.path("desired").asInt());
      row.put("ready_replicas", s.path("ready").asInt());
    } catch (CliException e) {
      if (e.exitCode() != ExitCodes.NOT_FOUND) {
        throw e;
      }
      row.put("ready", "-"); // undeployed between the list and this call
    }
    row.set("id", release.get("id"));
    return row;
  }
}
