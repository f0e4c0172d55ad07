package dev.lanes.sdk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What one message from the registry does to a table: a {@code snapshot} replaces it, a {@code
 * delta} changes it when it follows on from the table's version. Malformed messages are ignored,
 * whole, so the last good table stays.
 *
 * @param outcome what happened
 * @param table the table afterwards (the same one unless {@code outcome} is {@link
 *     Outcome#APPLIED})
 */
public record TableUpdate(Outcome outcome, RouteTable table) {

  public enum Outcome {
    /** The table changed. */
    APPLIED,
    /** Malformed, unknown, or a duplicate: nothing changed. */
    IGNORED,
    /** A delta that does not follow on from the table: the subscriber missed something. */
    GAP
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Applies the event {@code event} with data {@code data} to {@code current} (may be null). */
  public static TableUpdate apply(RouteTable current, String event, String data) {
    JsonNode root;
    try {
      root = JSON.readTree(data);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return new TableUpdate(Outcome.IGNORED, current);
    }
    if (root == null || !root.isObject()) {
      return new TableUpdate(Outcome.IGNORED, current);
    }
    if ("snapshot".equals(event)) {
      return snapshot(current, root);
    }
    if ("delta".equals(event)) {
      return delta(current, root);
    }
    return new TableUpdate(Outcome.IGNORED, current);
  }

  private static TableUpdate snapshot(RouteTable current, JsonNode root) {
    Long version = longOf(root.get("version"));
    Map<String, RouteTable.Route> routes = routesOf(root.get("services"));
    if (version == null || routes == null) {
      return new TableUpdate(Outcome.IGNORED, current);
    }
    return new TableUpdate(Outcome.APPLIED, new RouteTable(routes, version));
  }

  private static TableUpdate delta(RouteTable current, JsonNode root) {
    Long version = longOf(root.get("version"));
    Long previous = longOf(root.get("previous"));
    // absent lists are empty; present but malformed ones make the delta malformed
    Map<String, RouteTable.Route> upserts =
        root.has("upserts") ? routesOf(root.get("upserts")) : Map.of();
    List<String> removes = root.has("removes") ? stringsOf(root.get("removes")) : List.of();
    if (version == null || previous == null || upserts == null || removes == null) {
      return new TableUpdate(Outcome.IGNORED, current);
    }
    if (current == null) {
      return new TableUpdate(Outcome.GAP, null);
    }
    if (version <= current.version()) {
      return new TableUpdate(Outcome.IGNORED, current);
    }
    if (previous != current.version()) {
      return new TableUpdate(Outcome.GAP, current);
    }
    return new TableUpdate(Outcome.APPLIED, current.with(upserts, removes, version));
  }

  private static Long longOf(JsonNode n) {
    return n != null && n.isIntegralNumber() && n.canConvertToLong() ? n.longValue() : null;
  }

  private static Map<String, RouteTable.Route> routesOf(JsonNode services) {
    if (services == null || !services.isObject()) {
      return null;
    }
    Map<String, RouteTable.Route> out = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = services.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode entry = e.getValue();
      if (!entry.isObject()) {
        return null;
      }
      JsonNode port = entry.get("port");
      List<String> lanes = stringsOf(entry.get("lanes"));
      if (port == null || !port.isInt() || port.intValue() < 1 || port.intValue() > 65535) {
        return null;
      }
      if (lanes == null) {
        return null;
      }
      out.put(e.getKey(), new RouteTable.Route(e.getKey(), lanes, port.intValue()));
    }
    return out;
  }

  private static List<String> stringsOf(JsonNode array) {
    if (array == null || !array.isArray()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      if (!n.isTextual()) {
        return null;
      }
      out.add(n.textValue());
    }
    return out;
  }
}
