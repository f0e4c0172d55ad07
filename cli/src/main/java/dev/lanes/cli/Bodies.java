package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Request bodies from {@code -f file.yaml} (or JSON) and flags, flags winning. */
final class Bodies {

  private Bodies() {}

  /** The object in {@code file} ("-" is standard input), or an empty one. */
  static ObjectNode from(File file) {
    if (file == null) {
      return ApiClient.JSON.createObjectNode();
    }
    try {
      JsonNode node =
          file.getPath().equals("-") ? Target.YAML.readTree(System.in) : Target.YAML.readTree(file);
      if (node instanceof ObjectNode o) {
        // a file written by `-o yaml` of a get: the object itself, or the API's envelope
        return o.get("data") instanceof ObjectNode data ? data : o;
      }
      throw new CliException(ExitCodes.USAGE, file + ": expected an object (YAML or JSON)");
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * The object in {@code file} without what the API answers but does not take: the {@code readOnly}
   * fields (timestamps, status, ids). So the {@code -o yaml} of a {@code get} creates a copy with
   * {@code create -f}; write-only values ({@code "***"}) are for {@link #takeMasked} to take out.
   */
  static ObjectNode from(File file, String... readOnly) {
    ObjectNode body = from(file);
    body.remove(java.util.List.of(readOnly));
    return body;
  }

  /** How the API answers a write-only value. */
  static final String MASKED = "***";

  /** Which of {@code fields} {@code body} has: the maps a file gives whole. */
  static Set<String> present(ObjectNode body, String... fields) {
    Set<String> present = new TreeSet<>();
    for (String f : fields) {
      if (body.has(f)) {
        present.add(f);
      }
    }
    return present;
  }

  /**
   * Takes the write-only values answered as {@code "***"} out of the map {@code body.field} and
   * answers their keys: a file cannot carry them.
   */
  static Set<String> takeMasked(ObjectNode body, String field) {
    Set<String> masked = new TreeSet<>();
    if (body.get(field) instanceof ObjectNode map) {
      map.properties()
          .removeIf(
              e -> {
                boolean m = MASKED.equals(e.getValue().asText());
                if (m) {
                  masked.add(e.getKey());
                }
                return m;
              });
    }
    return masked;
  }

  /**
   * Makes the map {@code body.field}, the whole map a file says, replace {@code current} instead of
   * merging into it, as the API merges maps key by key: each key of {@code current} the file leaves
   * out is sent as {@code null} (deleted), and a map left empty as {@code null} (every key
   * deleted). {@code kept} are keys the file names without a value, which stay as they are.
   */
  static void replace(ObjectNode body, String field, JsonNode current, Set<String> kept) {
    ObjectNode desired = body.get(field) instanceof ObjectNode o ? o : body.putObject(field);
    boolean empty =
        kept.isEmpty() && desired.properties().stream().allMatch(e -> e.getValue().isNull());
    if (empty) {
      if (current.size() > 0) {
        body.putNull(field);
      } else {
        body.remove(field);
      }
      return;
    }
    current
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (!desired.has(k) && !kept.contains(k)) {
                desired.putNull(k);
              }
            });
  }

  /**
   * The first line of standard input, for a secret a flag must not carry; {@code flag} names it in
   * the error when stdin is empty.
   */
  static String stdinLine(String flag) {
    try {
      String line =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(System.in, java.nio.charset.StandardCharsets.UTF_8))
              .readLine();
      if (line == null || line.isBlank()) {
        throw new CliException(ExitCodes.USAGE, flag + ": standard input was empty");
      }
      return line.strip();
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, flag + ": cannot read standard input");
    }
  }

  static void put(ObjectNode body, String field, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof Integer i) {
      body.put(field, i);
    } else if (value instanceof Boolean b) {
      body.put(field, b);
    } else if (value instanceof Map<?, ?> m) {
      // over the file's map key by key: flags win
      ObjectNode o = body.get(field) instanceof ObjectNode file ? file : body.putObject(field);
      m.forEach(
          (k, v) -> o.put(k.toString(), v == null || v.toString().isEmpty() ? null : v.toString()));
    } else {
      body.put(field, value.toString());
    }
  }
}
