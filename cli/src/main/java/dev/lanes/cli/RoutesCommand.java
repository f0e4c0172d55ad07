package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lanes routes}: the route registry's table, service by service with the lanes that have a
 * ready pod, as the SDKs see it; {@code --watch} follows its change stream (a snapshot, then
 * deltas) and prints the table again after each change.
 */
@Command(
    name = "routes",
    description =
        "The lane routing table of the route registry: each service, its ready lanes and port.")
public final class RoutesCommand extends LanesCommand {

  static final List<Printer.Column> COLUMNS =
      List.of(
          Printer.Column.of("service", "name"),
          Printer.Column.of("lanes", "lanes"),
          Printer.Column.of("port", "port"));

  @Option(
      names = "--registry",
      paramLabel = "URL",
      description =
          "The registry's URL (default: LANES_REGISTRY_URL, else the API's host on port 8081)")
  String registry;

  @Option(
      names = {"-w", "--watch"},
      description = "Follow the registry's changes (Ctrl-C stops)")
  boolean watch;

  @Option(names = "--limit", paramLabel = "N", description = "With --watch: stop after N changes")
  Integer limit;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    String base = registryUrl();
    if (!watch) {
      print(table(api().getAbsolute(base + "/v1/routes").path("services")));
      return ExitCodes.OK;
    }
    Map<String, JsonNode> services = new TreeMap<>();
    int[] seen = {0};
    api()
        .streamAbsolute(
            base + "/v1/routes/stream",
            null,
            e -> {
              JsonNode data = e.json();
              if ("snapshot".equals(e.event())) {
                services.clear();
                data.path("services")
                    .fields()
                    .forEachRemaining(f -> services.put(f.getKey(), f.getValue()));
              } else if ("delta".equals(e.event())) {
                data.path("removes").forEach(r -> services.remove(r.asText()));
                data.path("upserts")
                    .fields()
                    .forEachRemaining(f -> services.put(f.getKey(), f.getValue()));
              } else {
                return true;
              }
              if (seen[0]++ > 0 && output.printer(out()).format() != Printer.Format.JSON) {
                out().println();
              }
              print(rows(services));
              return limit == null || seen[0] < limit;
            });
    return ExitCodes.OK;
  }

  private String registryUrl() {
    String url = registry != null ? registry : root().env().get("LANES_REGISTRY_URL");
    if (url == null || url.isBlank()) {
      URI api = URI.create(api().target().url());
      url = api.getScheme() + "://" + api.getHost() + ":8081";
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private List<JsonNode> table(JsonNode services) {
    Map<String, JsonNode> sorted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      sorted.put(f.getKey(), f.getValue());
    }
    return rows(sorted);
  }

  private static List<JsonNode> rows(Map<String, JsonNode> services) {
    List<JsonNode> rows = new ArrayList<>();
    services.forEach(
        (name, entry) -> {
          ObjectNode row = ApiClient.JSON.createObjectNode().put("name", name);
          row.set("lanes", entry.path("lanes"));
          row.set("port", entry.path("port"));
          rows.add(row);
        });
    return rows;
  }

  private void print(List<JsonNode> rows) {
    output.printer(out()).list("service", rows, COLUMNS);
  }
}
