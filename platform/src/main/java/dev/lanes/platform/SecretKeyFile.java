package dev.lanes.platform;

import dev.lanes.common.config.Secret;
import dev.lanes.common.crypto.SecretBox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The key that seals app secret envs when {@code LANES_SECRET_KEY} is unset: created once in the
 * data directory, readable by its owner only, and reused on every start so sealed values stay
 * readable.
 */
final class SecretKeyFile {

  static final String NAME = "secret.key";

  private SecretKeyFile() {}

  static Secret loadOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(NAME);
    if (Files.exists(file)) {
      String key = Files.readString(file, StandardCharsets.UTF_8).trim();
      SecretBox.fromBase64(key); // fail now, not on the first secret env, if it was damaged
      return Secret.of(key);
    }
    Files.createDirectories(dataDir);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    String key = SecretBox.newKey();
    Files.writeString(file, key + "\n", StandardCharsets.UTF_8);
    return Secret.of(key);
  }
}
