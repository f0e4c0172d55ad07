package dev.lanes.common.crypto;

import dev.lanes.common.domain.GitCredentials;
import dev.lanes.common.error.ServerError;
import dev.lanes.common.json.Json;
import java.io.IOException;

/** An image repo's git credentials at rest: a JSON object sealed with {@link SecretBox}. */
public final class SealedGitCredentials {

  private SealedGitCredentials() {}

  public static byte[] seal(SecretBox box, GitCredentials credentials) {
    return box.seal(Json.write(credentials));
  }

  /**
   * @param sealed the stored bytes, or {@code null} for none
   * @return the credentials in clear, or {@code null} when there are none
   * @throws ServerError when the key is not the one that sealed them
   */
  public static GitCredentials open(SecretBox box, byte[] sealed) {
    if (sealed == null) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(box.open(sealed), GitCredentials.class);
    } catch (IllegalArgumentException | IOException e) {
      // the message says which key, never what the box holds
      throw ServerError.internal(
          "the image repo's git credentials cannot be opened with the configured LANES_SECRET_KEY",
          null);
    }
  }
}
