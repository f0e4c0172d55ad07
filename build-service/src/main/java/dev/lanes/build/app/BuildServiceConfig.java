package dev.lanes.build.app;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of build-service, read once from the environment (the seed's variable names where
 * it had them).
 *
 * @param kanikoImage the Kaniko executor image; pin it by digest in production
 * @param cacheRepo where Kaniko keeps its layer cache, or {@code null} to build without cache
 */
public record BuildServiceConfig(
    String namespace,
    String kanikoImage,
    String cacheRepo,
    String httpProxy,
    String noProxy,
    List<String> registryMirrors,
    List<String> insecureRegistries,
    String registrySecret,
    Duration timeout,
    int concurrency) {

  public static final ConfigKey<String> BUILD_NAMESPACE =
      ConfigKey.string("BUILD_NAMESPACE", "paas-builds", "Namespace of the Kaniko build Jobs.");
  public static final ConfigKey<String> KANIKO_IMAGE =
      ConfigKey.string(
          "KANIKO_IMAGE",
          "gcr.io/kaniko-project/executor:v1.23.2",
          "Kaniko executor image. Pin it by digest (image@sha256:...) in production.");
  public static final ConfigKey<String> KANIKO_CACHE_REPO =
      ConfigKey.string(
          "KANIKO_CACHE_REPO", null, "Repository for Kaniko's layer cache; unset disables it.");
  public static final ConfigKey<String> BUILD_HTTP_PROXY =
      ConfigKey.string(
          "BUILD_HTTP_PROXY", null, "HTTP(S)_PROXY of build pods (fetching sources and bases).");
  public static final ConfigKey<String> BUILD_NO_PROXY =
      ConfigKey.string("BUILD_NO_PROXY", null, "NO_PROXY of build pods.");
  public static final ConfigKey<List<String>> REGISTRY_MIRRORS =
      ConfigKey.of(
          "REGISTRY_MIRRORS",
          "",
          ConfigParsers::list,
          "Comma-separated Docker Hub mirrors, one --registry-mirror each.");
  public static final ConfigKey<List<String>> INSECURE_REGISTRIES =
      ConfigKey.of(
          "INSECURE_REGISTRIES",
          "",
          ConfigParsers::list,
          "Comma-separated registries reached over plain HTTP or without TLS verification.");
  public static final ConfigKey<String> REGISTRY_SECRET =
      ConfigKey.string(
          "REGISTRY_SECRET",
          "harbor-secret",
          "Secret with the registry's .dockerconfigjson, mounted at /kaniko/.docker.");
  public static final ConfigKey<Duration> BUILD_TIMEOUT =
      ConfigKey.of("BUILD_TIMEOUT", "30m", ConfigParsers::duration, "Deadline of one build Job.");
  public static final ConfigKey<Integer> BUILD_CONCURRENCY =
      ConfigKey.integer(
          "BUILD_CONCURRENCY", 4, 1, 256, "Build Jobs running at once; the rest wait, queued.");

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          BUILD_NAMESPACE,
          KANIKO_IMAGE,
          KANIKO_CACHE_REPO,
          BUILD_HTTP_PROXY,
          BUILD_NO_PROXY,
          REGISTRY_MIRRORS,
          INSECURE_REGISTRIES,
          REGISTRY_SECRET,
          BUILD_TIMEOUT,
          BUILD_CONCURRENCY);

  public static BuildServiceConfig from(ConfigReader reader) {
    Integer concurrency = reader.get(BUILD_CONCURRENCY);
    return new BuildServiceConfig(
        reader.get(BUILD_NAMESPACE),
        reader.get(KANIKO_IMAGE),
        reader.get(KANIKO_CACHE_REPO),
        reader.get(BUILD_HTTP_PROXY),
        reader.get(BUILD_NO_PROXY),
        reader.get(REGISTRY_MIRRORS),
        reader.get(INSECURE_REGISTRIES),
        reader.get(REGISTRY_SECRET),
        reader.get(BUILD_TIMEOUT),
        concurrency == null ? 4 : concurrency);
  }
}
