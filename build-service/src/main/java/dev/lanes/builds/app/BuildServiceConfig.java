package dev.lanes.builds.app;

import dev.lanes.common.builds.BuildKeys;
import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.config.Secret;
import dev.lanes.common.crypto.SecretKeys;
import dev.lanes.common.net.GitNetworks;
import java.time.Duration;
import java.util.List;

/**
 * Configuration of build-service, read once from the environment (the seed's variable names where
 * it had them).
 *
 * @param kanikoImage the Kaniko executor image; pin it by digest in production
 * @param buildkitImage the rootless BuildKit image of repos built with {@code buildkit}
 * @param cacheRepo where Kaniko keeps its layer cache, or {@code null} to build without cache
 * @param gitCloneImage the image of the init container that clones SSH repositories (git and ssh)
 * @param secretKey the gateway's key: opens image repos' git credentials, or {@code null} (builds
 *     of repos with credentials then fail saying so)
 */
public record BuildServiceConfig(
    String namespace,
    String kanikoImage,
    String buildkitImage,
    String cacheRepo,
    String httpProxy,
    String noProxy,
    List<String> registryMirrors,
    List<String> insecureRegistries,
    String registrySecret,
    Duration timeout,
    int concurrency,
    Duration jobTtl,
    BuildResources resources,
    Duration gitTimeout,
    boolean allowLocalGit,
    List<String> gitAllowedNetworks,
    List<String> buildEgressAllowedNetworks,
    Secret secretKey,
    String gitCloneImage) {

  /** Requests and limits of a build pod's container. */
  public record BuildResources(
      String cpuRequest, String memoryRequest, String cpuLimit, String memoryLimit) {}

  public static final ConfigKey<String> BUILD_NAMESPACE = BuildKeys.BUILD_NAMESPACE;
  public static final ConfigKey<String> KANIKO_IMAGE =
      ConfigKey.string(
          "KANIKO_IMAGE",
          // the last upstream release, pinned by its index digest: docs/builds.md, The Kaniko image
          "gcr.io/kaniko-project/executor:v1.23.2@sha256:9e69fd4330ec887829c780f5126dd80edc663df6def362cd22e79bcdf00ac53f",
          "Kaniko executor image. Pin it by digest (image@sha256:...) in production.");
  public static final ConfigKey<String> BUILDKIT_IMAGE =
      ConfigKey.string(
          "BUILDKIT_IMAGE",
          "moby/buildkit:v0.19.0-rootless",
          "Rootless BuildKit image of repos with builder buildkit (it must provide"
              + " buildctl-daemonless.sh). Pin it by digest in production.");

  public static final ConfigKey<String> GIT_CLONE_IMAGE =
      ConfigKey.string(
          "GIT_CLONE_IMAGE",
          "alpine/git:v2.47.2",
          "Image with git and ssh that clones an SSH repository's pinned commit for Kaniko (the"
              + " init container of SSH builds). Pin it by digest in production.");
  public static final ConfigKey<String> KANIKO_CACHE_REPO =
      ConfigKey.string(
          "KANIKO_CACHE_REPO",
          null,
          "Repository for the layer cache of image repos without their own cache_repo; unset: they"
              + " build without cache.");
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

  public static final ConfigKey<Duration> BUILD_JOB_TTL =
      ConfigKey.of(
          "BUILD_JOB_TTL",
          "1h",
          ConfigParsers::duration,
          "How long a finished build Job and its pod stay (ttlSecondsAfterFinished); the log is"
              + " saved in Postgres before.");
  public static final ConfigKey<String> BUILD_CPU_REQUEST =
      ConfigKey.string("BUILD_CPU_REQUEST", "500m", "CPU request of a build pod.");
  public static final ConfigKey<String> BUILD_MEMORY_REQUEST =
      ConfigKey.string("BUILD_MEMORY_REQUEST", "1Gi", "Memory request of a build pod.");
  public static final ConfigKey<String> BUILD_CPU_LIMIT =
      ConfigKey.string("BUILD_CPU_LIMIT", "2", "CPU limit of a build pod.");
  public static final ConfigKey<String> BUILD_MEMORY_LIMIT =
      ConfigKey.string("BUILD_MEMORY_LIMIT", "4Gi", "Memory limit of a build pod.");
  public static final ConfigKey<Duration> GIT_TIMEOUT =
      ConfigKey.of(
          "GIT_TIMEOUT",
          "20s",
          ConfigParsers::duration,
          "How long listing a repository's refs may take before the build fails as unreachable.");

  public static final ConfigKey<Boolean> ALLOW_LOCAL_GIT = BuildKeys.ALLOW_LOCAL_GIT;

  public static final ConfigKey<List<String>> BUILD_EGRESS_ALLOWED_NETWORKS =
      ConfigKey.of(
          "BUILD_EGRESS_ALLOWED_NETWORKS",
          "",
          text -> GitNetworks.parseAllowed(ConfigParsers.list(text)),
          "Networks (CIDRs, comma-separated) build pods may connect to besides the internet and"
              + " GIT_ALLOWED_NETWORKS: the registry, its mirrors and the proxy when their addresses"
              + " are private; the NetworkPolicy lanes-build-egress refuses private ranges else.");

  public static final List<ConfigKey<?>> KEYS =
      List.of(
          BUILD_NAMESPACE,
          KANIKO_IMAGE,
          BUILDKIT_IMAGE,
          KANIKO_CACHE_REPO,
          BUILD_HTTP_PROXY,
          BUILD_NO_PROXY,
          REGISTRY_MIRRORS,
          INSECURE_REGISTRIES,
          REGISTRY_SECRET,
          BUILD_TIMEOUT,
          BUILD_CONCURRENCY,
          BUILD_JOB_TTL,
          BUILD_CPU_REQUEST,
          BUILD_MEMORY_REQUEST,
          BUILD_CPU_LIMIT,
          BUILD_MEMORY_LIMIT,
          GIT_TIMEOUT,
          ALLOW_LOCAL_GIT,
          BuildKeys.GIT_ALLOWED_NETWORKS,
          BUILD_EGRESS_ALLOWED_NETWORKS,
          SecretKeys.LANES_SECRET_KEY,
          GIT_CLONE_IMAGE);

  public BuildServiceConfig withAllowLocalGit(boolean allow) {
    return new BuildServiceConfig(
        namespace,
        kanikoImage,
        buildkitImage,
        cacheRepo,
        httpProxy,
        noProxy,
        registryMirrors,
        insecureRegistries,
        registrySecret,
        timeout,
        concurrency,
        jobTtl,
        resources,
        gitTimeout,
        allow,
        gitAllowedNetworks,
        buildEgressAllowedNetworks,
        secretKey,
        gitCloneImage);
  }

  public BuildServiceConfig withSecretKey(Secret key) {
    return new BuildServiceConfig(
        namespace,
        kanikoImage,
        buildkitImage,
        cacheRepo,
        httpProxy,
        noProxy,
        registryMirrors,
        insecureRegistries,
        registrySecret,
        timeout,
        concurrency,
        jobTtl,
        resources,
        gitTimeout,
        allowLocalGit,
        gitAllowedNetworks,
        buildEgressAllowedNetworks,
        key,
        gitCloneImage);
  }

  public static BuildServiceConfig from(ConfigReader reader) {
    Integer concurrency = reader.get(BUILD_CONCURRENCY);
    return new BuildServiceConfig(
        reader.get(BUILD_NAMESPACE),
        reader.get(KANIKO_IMAGE),
        reader.get(BUILDKIT_IMAGE),
        reader.get(KANIKO_CACHE_REPO),
        reader.get(BUILD_HTTP_PROXY),
        reader.get(BUILD_NO_PROXY),
        reader.get(REGISTRY_MIRRORS),
        reader.get(INSECURE_REGISTRIES),
        reader.get(REGISTRY_SECRET),
        reader.get(BUILD_TIMEOUT),
        concurrency == null ? 4 : concurrency,
        reader.get(BUILD_JOB_TTL),
        new BuildResources(
            reader.get(BUILD_CPU_REQUEST),
            reader.get(BUILD_MEMORY_REQUEST),
            reader.get(BUILD_CPU_LIMIT),
            reader.get(BUILD_MEMORY_LIMIT)),
        reader.get(GIT_TIMEOUT),
        Boolean.TRUE.equals(reader.get(ALLOW_LOCAL_GIT)),
        orEmpty(reader.get(BuildKeys.GIT_ALLOWED_NETWORKS)),
        orEmpty(reader.get(BUILD_EGRESS_ALLOWED_NETWORKS)),
        reader.get(SecretKeys.LANES_SECRET_KEY),
        reader.get(GIT_CLONE_IMAGE));
  }

  private static List<String> orEmpty(List<String> list) {
    return list == null ? List.of() : list;
  }

  /** Where git repositories may be: the allowed networks, loopback with local git. */
  public GitNetworks gitNetworks() {
    return GitNetworks.of(gitAllowedNetworks, allowLocalGit);
  }
}
