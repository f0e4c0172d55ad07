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

  static final int DEFAULT_PORT = 8081;

  @Option(
      names = "--registry",
      paramLabel = "URL",
      description =
          "The registry's URL (default: LANES_REGISTRY_URL, the context's registry-url, else"
              + " the API's host on port 8081)")
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
    Target.Source registry = registry();
    String base = registry.value();
    ApiClient.Outside outside = new ApiClient.Outside("the route registry", hint(registry));
    if (!watch) {
      print(table(api().getAbsolute(outside, base + "/v1/routes").path("services")));
      return ExitCodes.OK;
    }
    Map<String, JsonNode> services = new TreeMap<>();
    int[] seen = {0};
    api()
        .streamAbsolute(
            outside,
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

  /**
   * {@code --registry}, else {@code LANES_REGISTRY_URL} or the context's, else the API's host on
   * port 8081 (where {@code make run} serves it).
   */
  private Target.Source registry() {
    if (registry != null && !registry.isBlank()) {
      return new Target.Source(stripSlash(registry), "--registry");
    }
    Target target = api().target();
    if (target.registry() != null) {
      return target.registry();
    }
    URI api = URI.create(target.url());
    return new Target.Source(
        api.getScheme() + "://" + api.getHost() + ":" + DEFAULT_PORT,
        "the API's host (" + target.url() + ") on port " + DEFAULT_PORT);
  }

  /** Where the URL came from, and the ways to give another. */
  private static String hint(Target.Source registry) {
    return "the URL is "
        + registry.from()
        + "; give the registry's with --registry URL, LANES_REGISTRY_URL or"
        + " lanes config set-context NAME --registry-url URL";
  }

  private static String stripSlash(String url) {
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
