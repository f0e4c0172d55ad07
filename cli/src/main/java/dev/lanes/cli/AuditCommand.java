package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lanes audit}: who changed what, newest first (needs an admin key). */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = {
      "Who changed what, newest first: every change made through the API, and every one an"
          + " authenticated key asked for and was refused (needs an admin key).",
      "Examples: lanes audit --resource app/web; lanes audit --actor ci --since 24h"
    })
public final class AuditCommand extends LanesCommand {

  static final String KIND = "audit";

  static final List<Printer.Column> COLUMNS =
      List.of(
          Age.since("age", "at"),
          new Printer.Column("actor", n -> Printer.text(n.path("actor").get("name")), false),
          Printer.Column.of("action", "action"),
          new Printer.Column("resource", AuditCommand::resource, false),
          Printer.Column.of("outcome", "outcome"),
          Printer.Column.wide("source", "source"),
          Printer.Column.wide("request", "request_id"),
          Printer.Column.wide("at", "at"));

  @Option(names = "--actor", paramLabel = "KEY", description = "An API key's id or name")
  String actor;

  @Option(
      names = "--resource",
      paramLabel = "KIND[/ID]",
      description = "app, image_repo, lane, build, release or api_key; or one: app/web")
  String resource;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "A duration back from now (30m, 24h, 7d) or an RFC 3339 time")
  String since;

  @Option(
      names = "--limit",
      defaultValue = "50",
      paramLabel = "N",
      description = "At most this many entries, 1..500 (default: ${DEFAULT-VALUE})")
  int limit;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    List<String> query = new ArrayList<>();
    query.add("limit=" + limit);
    if (actor != null) {
      query.add("actor=" + ApiClient.enc(actor));
    }
    if (resource != null) {
      query.add("resource=" + ApiClient.enc(resource));
    }
    if (since != null) {
      query.add("since=" + ApiClient.enc(since));
    }
    List<JsonNode> entries = new ArrayList<>();
    api().get("/audit?" + String.join("&", query)).forEach(entries::add);
    output.printer(out()).list(KIND, entries, COLUMNS);
    return ExitCodes.OK;
  }

  private static String resource(JsonNode entry) {
    String id = Printer.text(entry.get("resource_id"));
    String kind = Printer.text(entry.get("resource"));
    return id.isEmpty() ? kind : kind + "/" + id;
  }
}
