package dev.lanes.common.builds;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.net.GitNetworks;
import java.util.List;

/** Configuration that build-service shares with the services that read its builds. */
public final class BuildKeys {

  public static final ConfigKey<String> BUILD_NAMESPACE =
      ConfigKey.string(
          "BUILD_NAMESPACE", "paas-builds", "Namespace of the build Jobs (Kaniko and BuildKit).");

  public static final ConfigKey<Boolean> ALLOW_LOCAL_GIT =
      ConfigKey.of(
          "LANES_ALLOW_LOCAL_GIT",
          null,
          ConfigParsers::bool,
          "Accept file:// git repositories (default: on with the sandbox cluster, off otherwise).");

  public static final ConfigKey<List<String>> GIT_ALLOWED_NETWORKS =
      ConfigKey.of(
          "GIT_ALLOWED_NETWORKS",
          "",
          text -> GitNetworks.parseAllowed(ConfigParsers.list(text)),
          "Networks (CIDRs, comma-separated) git repositories may be at although Lanes refuses them"
              + " by default: loopback, link-local (cloud metadata), private ranges, 0.0.0.0/8; e.g."
              + " 10.1.0.0/16 for an in-house git server.");

  private BuildKeys() {}
}
