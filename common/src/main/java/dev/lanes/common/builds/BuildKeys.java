package dev.lanes.common.builds;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;

/** Configuration that build-service shares with the services that read its builds. */
public final class BuildKeys {

  public static final ConfigKey<String> BUILD_NAMESPACE =
      ConfigKey.string("BUILD_NAMESPACE", "paas-builds", "Namespace of the Kaniko build Jobs.");

  public static final ConfigKey<Boolean> ALLOW_LOCAL_GIT =
      ConfigKey.of(
          "LANES_ALLOW_LOCAL_GIT",
          null,
          ConfigParsers::bool,
          "Accept file:// git repositories (default: on with the sandbox cluster, off otherwise).");

  private BuildKeys() {}
}
