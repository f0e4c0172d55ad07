package dev.lanes.cli;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * How the CLI says how a build or release ended when it did not succeed: its status, its reason
 * code in brackets (the stable part, for scripts to grep), then its message, e.g. {@code failed
 * (ref_not_found): ref 'v9' not found in https://…}. Either part is left out when the API gives
 * none (an older platform has no reasons).
 */
final class Outcome {

  private Outcome() {}

  static String of(JsonNode buildOrRelease) {
    String status = buildOrRelease.path("status").asText();
    String reason = text(buildOrRelease, "reason");
    String message = text(buildOrRelease, "message");
    return status
        + (reason.isEmpty() ? "" : " (" + reason + ")")
        + (message.isEmpty() ? "" : ": " + message);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? "" : v.asText();
  }
}
