package dev.lanes.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Server-side apply, as far as the sandbox needs it, for a single field manager (Lanes): the
 * applied configuration replaces what that manager set before. What the object is in the store
 * after an apply is the applied body, plus what only the API server or other writers set: the
 * metadata the server keeps (uid, creation time, generation, resourceVersion, owner references),
 * labels and annotations the applied body does not name, the status, and a Service's cluster IPs. A
 * real API server tracks ownership per field (managedFields) and so also keeps fields other
 * managers set inside the spec; nothing but Lanes writes the spec in the sandbox.
 */
final class ServerSideApply {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SERVER_METADATA = {
    "uid", "creationTimestamp", "generation", "resourceVersion", "ownerReferences", "finalizers"
  };

  private ServerSideApply() {}

  /** The object after applying {@code applied} onto {@code existing}. */
  static ObjectNode merge(String existingJson, String appliedJson) {
    try {
      ObjectNode existing = (ObjectNode) JSON.readTree(existingJson);
      ObjectNode merged = (ObjectNode) JSON.readTree(appliedJson);
      ObjectNode metadata = merged.with("metadata");
      JsonNode old = existing.path("metadata");
      for (String field : SERVER_METADATA) {
        if (old.has(field)) {
          metadata.set(field, old.get(field));
        }
      }
      for (String map : new String[] {"labels", "annotations"}) {
        if (old.has(map)) {
          ObjectNode union = ((ObjectNode) old.get(map)).deepCopy();
          if (metadata.has(map)) {
            union.setAll((ObjectNode) metadata.get(map));
          }
          metadata.set(map, union);
        }
      }
      if (existing.has("status")) {
        merged.set("status", existing.get("status"));
      }
      JsonNode oldSpec = existing.path("spec");
      if ("Service".equals(merged.path("kind").asText()) && merged.has("spec")) {
        ObjectNode spec = (ObjectNode) merged.get("spec");
        for (String field : new String[] {"clusterIP", "clusterIPs"}) {
          if (!spec.has(field) && oldSpec.has(field)) {
            spec.set(field, oldSpec.get(field));
          }
        }
      }
      return merged;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether applying changed anything: the objects differ in more than their resourceVersion. */
  static boolean changes(String existingJson, ObjectNode merged) {
    try {
      ObjectNode existing = (ObjectNode) JSON.readTree(existingJson);
      ObjectNode a = existing.deepCopy();
      ObjectNode b = merged.deepCopy();
      for (ObjectNode o : new ObjectNode[] {a, b}) {
        o.with("metadata").remove("resourceVersion");
        o.with("metadata").remove("managedFields");
        stripNulls(o);
      }
      return !a.equals(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void stripNulls(JsonNode node) {
    if (node instanceof ObjectNode o) {
      Iterator<Map.Entry<String, JsonNode>> fields = o.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        if (f.getValue().isNull()) {
          fields.remove();
        } else {
          stripNulls(f.getValue());
        }
      }
    } else if (node != null && node.isArray()) {
      node.forEach(ServerSideApply::stripNulls);
    }
  }

  static String json(ObjectNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
