package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.util.Map;

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
   * fields (timestamps, status, ids) and secret values answered as {@code "***"}. So the {@code -o
   * yaml} of a {@code get} creates a copy with {@code create -f}.
   */
  static ObjectNode from(File file, String... readOnly) {
    ObjectNode body = from(file);
    body.remove(java.util.List.of(readOnly));
    if (body.get("secret_envs") instanceof ObjectNode secrets) {
      secrets.properties().removeIf(e -> MASKED.equals(e.getValue().asText()));
      if (secrets.isEmpty()) {
        body.remove("secret_envs");
      }
    }
    return body;
  }

  /** How the API answers a write-only value. */
  static final String MASKED = "***";

  static void put(ObjectNode body, String field, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof Integer i) {
      body.put(field, i);
    } else if (value instanceof Boolean b) {
      body.put(field, b);
    } else if (value instanceof Map<?, ?> m) {
      ObjectNode o = body.putObject(field);
      m.forEach(
          (k, v) -> o.put(k.toString(), v == null || v.toString().isEmpty() ? null : v.toString()));
    } else {
      body.put(field, value.toString());
    }
  }
}
