package dev.lanes.common.domain;

import java.time.Instant;
import java.util.Map;

/**
 * Build configuration shared by several apps: where the source is, how to build it and where the
 * image goes.
 *
 * @param registry image repository without tag, e.g. {@code harbor.local:30002/team/web}
 * @param gitRepo {@code owner/repo} (GitHub) or an {@code https://} / {@code git://} URL
 * @param contextDir build context inside the repository, relative, default {@code .}
 * @param dockerfile relative to the context, default {@code Dockerfile}
 * @param builder what builds the images: the gateway's {@code DEFAULT_BUILDER} unless the repo
 *     names one
 * @param buildArgs {@code --build-arg} values of every build, by name (visible: not for secrets)
 * @param cacheRepo where builds keep their layer cache, or {@code null} for build-service's {@code
 *     KANIKO_CACHE_REPO}
 * @param gitCredentials how the repository is read when it is private, or {@code null}; the
 *     password is in clear only on the way from a request to the store, masked in answers
 * @param buildSecrets BuildKit secrets of every build ({@code RUN --mount=type=secret,id=NAME}):
 *     values in clear only between a request and the store, {@code "***"} in answers
 * @param registryCredentials how the builder logs in to registries, or {@code null} for the
 *     platform's {@code REGISTRY_SECRET}; write-only as the git credentials
 */
public record ImageRepo(
    String name,
    String registry,
    String gitRepo,
    String contextDir,
    String dockerfile,
    boolean noCache,
    Builder builder,
    Map<String, String> buildArgs,
    String cacheRepo,
    GitCredentials gitCredentials,
    RegistryCredentials registryCredentials,
    Map<String, String> buildSecrets,
    Instant createdAt,
    Instant updatedAt) {

  public static final String DEFAULT_CONTEXT_DIR = ".";
  public static final String DEFAULT_DOCKERFILE = "Dockerfile";
}
