package dev.lanes.common.crypto;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.Secret;

/**
 * The key that seals app secret envs and git credentials at rest, shared by the services that write
 * or read them.
 */
public final class SecretKeys {

  public static final ConfigKey<Secret> LANES_SECRET_KEY =
      ConfigKey.secret(
          "LANES_SECRET_KEY",
          "Base64 of 32 random bytes: seals app secret_envs and image repo git_credentials at"
              + " rest (api-gateway, build-service, release-service). make run keeps one in"
              + " LANES_DATA_DIR/secret.key when unset.");

  private SecretKeys() {}
}
