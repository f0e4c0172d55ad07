package dev.lanes.common.crypto;

import dev.lanes.common.domain.RegistryCredentials;
import dev.lanes.common.error.ServerError;
import dev.lanes.common.json.Json;
import java.io.IOException;

/** An image repo's registry credentials at rest: a JSON object sealed with {@link SecretBox}. */
public final class SealedRegistryCredentials {

  private SealedRegistryCredentials() {}

  public static byte[] seal(SecretBox box, RegistryCredentials credentials) {
    return box.seal(Json.write(credentials));
  }

  /**
   * @param sealed the stored bytes, or {@code null} for none
   * @return the credentials in clear, or {@code null} when there are none
   * @throws ServerError when the key is not the one that sealed them
   */
  public static RegistryCredentials open(SecretBox box, byte[] sealed) {
    if (sealed == null) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(box.open(sealed), RegistryCredentials.class);
    } catch (IllegalArgumentException | IOException e) {
      throw ServerError.internal(
          "the image repo's registry credentials cannot be opened with the configured"
              + " LANES_SECRET_KEY",
          null);
    }
  }
}
