package dev.lanes.common.crypto;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.lanes.common.error.ServerError;
import dev.lanes.common.json.Json;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/** An app's secret envs at rest: a JSON object sealed with {@link SecretBox}. */
public final class SealedEnvs {

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private SealedEnvs() {}

  public static byte[] seal(SecretBox box, Map<String, String> values) {
    return box.seal(Json.write(values));
  }

  /**
   * @param sealed the stored bytes, or {@code null} for none
   * @throws ServerError when the key is not the one that sealed them: refusing beats losing them
   */
  public static Map<String, String> open(SecretBox box, byte[] sealed) {
    return open(box, sealed, "the app's secret envs");
  }

  /**
   * @param what what the values are, for the error: {@code the image repo's build secrets}
   */
  public static Map<String, String> open(SecretBox box, byte[] sealed, String what) {
    if (sealed == null) {
      return Map.of();
    }
    try {
      return new TreeMap<>(Json.MAPPER.readValue(box.open(sealed), STRING_MAP));
    } catch (IllegalArgumentException | IOException e) {
      throw ServerError.internal(
          what + " cannot be opened with the configured LANES_SECRET_KEY", e);
    }
  }
}
