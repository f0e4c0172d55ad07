package dev.lanes.common.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object from a request, read field by field. Every read records a type error in the shared
 * {@link Validation} instead of failing, and {@link #rejectUnknownFields()} reports every member
 * that was never read, so one response lists everything wrong with the body.
 *
 * <p>For partial updates, {@link #has} tells a member that is absent from one that is {@code null}.
 */
public final class JsonBody {

  private final ObjectNode node;
  private final String prefix;
  private final Validation validation;
  private final Set<String> known = new HashSet<>();

  private JsonBody(ObjectNode node, String prefix, Validation validation) {
    this.node = node;
    this.prefix = prefix;
    this.validation = validation;
  }

  /**
   * Parses a request body that must be one JSON object.
   *
   * @throws ClientError {@code malformed_json} when it is not strict UTF-8 or not JSON, {@code
   *     validation_failed} when it is JSON but not an object
   */
  public static JsonBody parse(byte[] bytes, Validation validation) {
    if (!Utf8.isValid(bytes)) {
      throw new ClientError(
          ErrorCode.MALFORMED_JSON,
          "the body is not valid UTF-8 (an overlong or truncated sequence, a surrogate or a stray"
              + " byte)");
    }
    JsonNode tree;
    try {
      tree = bytes.length == 0 ? null : Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new ClientError(
          ErrorCode.MALFORMED_JSON, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ClientError(ErrorCode.MALFORMED_JSON, "the body could not be read as JSON");
    }
    if (tree == null || tree.isMissingNode()) {
      throw new ClientError(ErrorCode.MALFORMED_JSON, "the body is empty: expected a JSON object");
    }
    if (!tree.isObject()) {
      throw new ClientError(
          ErrorCode.VALIDATION_FAILED, "the body must be a JSON object, got " + kind(tree));
    }
    return new JsonBody((ObjectNode) tree, "", validation);
  }

  public Validation validation() {
    return validation;
  }

  /** The JSON path of a member, for error messages. */
  public String path(String field) {
    return prefix + field;
  }

  /** Whether the member is present, {@code null} included. */
  public boolean has(String field) {
    known.add(field);
    return node.has(field);
  }

  /** Whether the member is present and {@code null}. */
  public boolean isNull(String field) {
    known.add(field);
    return node.has(field) && node.get(field).isNull();
  }

  public String string(String field) {
    JsonNode value = member(field);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      return typeError(field, "a string", value);
    }
    return value.textValue();
  }

  public String requiredString(String field) {
    return required(field) ? string(field) : null;
  }

  public Integer integer(String field) {
    JsonNode value = member(field);
    if (value == null) {
      return null;
    }
    if (!value.isIntegralNumber()) {
      return typeError(field, "an integer", value);
    }
    if (!value.canConvertToInt()) {
      validation.add(path(field), "is out of range");
      return null;
    }
    return value.intValue();
  }

  public Boolean bool(String field) {
    JsonNode value = member(field);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      return typeError(field, "true or false", value);
    }
    return value.booleanValue();
  }

  /** A list of strings; {@code null} when absent or null. */
  public List<String> stringList(String field) {
    JsonNode value = member(field);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      return typeError(field, "a list of strings", value);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      if (!item.isTextual()) {
        validation.add(path(field) + "[" + i + "]", "must be a string, got " + kind(item));
      } else {
        out.add(item.textValue());
      }
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * An object of string values, in the order given. With {@code nullDeletes}, a {@code null} value
   * is kept as a {@code null} entry, which a partial update reads as "delete this key".
   */
  public Map<String, String> stringMap(String field, boolean nullDeletes) {
    JsonNode value = member(field);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      return typeError(field, "an object of strings", value);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode item = e.getValue();
      if (item.isTextual()) {
        out.put(e.getKey(), item.textValue());
      } else if (item.isNull() && nullDeletes) {
        out.put(e.getKey(), null);
      } else {
        validation.add(
            path(field) + "." + e.getKey(),
            nullDeletes
                ? "must be a string, or null to delete it, got " + kind(item)
                : "must be a string, got " + kind(item));
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** A nested object read with the same rules; {@code null} when absent, null or not an object. */
  public JsonBody object(String field) {
    JsonNode value = member(field);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      return typeError(field, "an object", value);
    }
    return new JsonBody((ObjectNode) value, path(field) + ".", validation);
  }

  /** The names of this object's members, in the order given. */
  public List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Records every member that no read asked for as an unknown field. */
  public void rejectUnknownFields() {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        validation.add(path(name), "unknown field");
      }
    }
  }

  /** Records "is required" when the member is absent or null. */
  public boolean required(String field) {
    known.add(field);
    JsonNode value = node.get(field);
    return validation.check(value != null && !value.isNull(), path(field), "is required");
  }

  private JsonNode member(String field) {
    known.add(field);
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value;
  }

  private <T> T typeError(String field, String expected, JsonNode got) {
    validation.add(path(field), "must be " + expected + ", got " + kind(got));
    return null;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case BOOLEAN -> "a boolean";
      case NUMBER -> node.isIntegralNumber() ? "an integer" : "a number";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
