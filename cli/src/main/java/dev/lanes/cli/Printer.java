package dev.lanes.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Prints what a read command found in the format of {@code -o}: an aligned table (kubectl's), the
 * table with more columns ({@code wide}), the API's JSON or YAML (which {@code -f} reads back), or
 * {@code kind/name} lines for scripts.
 */
public final class Printer {

  /** The formats of {@code -o}. */
  public enum Format {
    TABLE,
    WIDE,
    JSON,
    YAML,
    NAME;

    static Format parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new CliException(
            ExitCodes.USAGE, "-o must be table, wide, json, yaml or name, got '" + text + "'");
      }
    }
  }

  /** A table column; {@code wide} ones show only with {@code -o wide}. */
  public record Column(String header, Function<JsonNode, String> value, boolean wide) {
    public static Column of(String header, String field) {
      return new Column(header, n -> text(n.get(field)), false);
    }

    public static Column wide(String header, String field) {
      return new Column(header, n -> text(n.get(field)), true);
    }
  }

  private final PrintWriter out;
  private final Format format;

  public Printer(PrintWriter out, Format format) {
    this.out = out;
    this.format = format;
  }

  public Format format() {
    return format;
  }

  /** Prints one object: a one-row table, or the object itself. */
  public void one(String kind, JsonNode item, List<Column> columns) {
    switch (format) {
      case JSON, YAML -> structured(item);
      case NAME ->
          out.println(
              kind + "/" + text(item.get("name") != null ? item.get("name") : item.get("id")));
      default -> table(List.of(item), columns);
    }
    out.flush();
  }

  /** Prints a list: a table (with a line on stderr-like output when empty), or an array. */
  public void list(String kind, List<JsonNode> items, List<Column> columns) {
    switch (format) {
      case JSON, YAML -> {
        ArrayNode array = ApiClient.JSON.createArrayNode();
        items.forEach(array::add);
        structured(array);
      }
      case NAME ->
          items.forEach(
              i ->
                  out.println(
                      kind + "/" + text(i.get("name") != null ? i.get("name") : i.get("id"))));
      default -> {
        if (items.isEmpty()) {
          out.println("No " + kind + "s found.");
        } else {
          table(items, columns);
        }
      }
    }
    out.flush();
  }

  private void structured(JsonNode node) {
    try {
      String text =
          format == Format.YAML
              ? Target.YAML.writeValueAsString(node)
              : ApiClient.JSON
                  .copy()
                  .enable(SerializationFeature.INDENT_OUTPUT)
                  .writeValueAsString(node);
      out.print(text.endsWith("\n") ? text : text + "\n");
    } catch (JsonProcessingException e) {
      throw new CliException(ExitCodes.FAILED, "cannot print: " + e.getMessage());
    }
  }

  private void table(List<JsonNode> items, List<Column> all) {
    List<Column> columns = new ArrayList<>();
    for (Column c : all) {
      if (!c.wide() || format == Format.WIDE) {
        columns.add(c);
      }
    }
    String[][] cells = new String[items.size() + 1][columns.size()];
    int[] widths = new int[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      cells[0][c] = columns.get(c).header().toUpperCase(Locale.ROOT);
      for (int r = 0; r < items.size(); r++) {
        String v = columns.get(c).value().apply(items.get(r));
        cells[r + 1][c] = v == null || v.isEmpty() ? "<none>" : v;
      }
      for (String[] row : cells) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    for (String[] row : cells) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        line.append(row[c]);
        if (c < row.length - 1) {
          line.append(" ".repeat(widths[c] - row[c].length() + 3));
        }
      }
      out.println(line);
    }
  }

  /** A JSON value as table text: strings bare, null empty, lists joined by commas. */
  public static String text(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "";
    }
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(e -> parts.add(text(e)));
      return String.join(",", parts);
    }
    if (v.isObject()) {
      return v.toString();
    }
    return v.asText();
  }
}
