package dev.lanes.builds.k8s;

import dev.lanes.builds.app.BuildServiceConfig;
import dev.lanes.common.builds.BuildSource;
import dev.lanes.common.domain.Build;
import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What every builder's Job has in common, so that Kaniko's and BuildKit's differ only in their
 * container: the Job's name, labels and annotations, its deadline and TTL, no retries, the pod's
 * resources, proxy variables, the registry's docker config and references to Secrets. Pure.
 */
final class BuildJobFrame {

  /** Where the builder writes the pushed digest; the Job watcher reads it as the build's digest. */
  static final String DIGEST_FILE = "/dev/termination-log";

  static final String DOCKER_CONFIG_VOLUME = "docker-config";

  private final BuildServiceConfig config;

  BuildJobFrame(BuildServiceConfig config) {
    this.config = config;
  }

  /** The build's Job around {@code pod}. */
  Job job(Build build, PodSpec pod) {
    Map<String, String> labels = LaneLabels.forBuild(build.app(), build.id()).toMap();
    return new JobBuilder()
        .withNewMetadata()
        .withName(LaneNames.buildJob(build.id()))
        .withNamespace(config.namespace())
        .withLabels(labels)
        .addToAnnotations("lanes.dev/git-ref", build.gitRef())
        .addToAnnotations("lanes.dev/commit", build.commit())
        .addToAnnotations("lanes.dev/image", build.image())
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(config.timeout().toSeconds())
        .withTtlSecondsAfterFinished((int) config.jobTtl().toSeconds())
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withSpec(pod)
        .endTemplate()
        .endSpec()
        .build();
  }

  ResourceRequirements resources() {
    BuildServiceConfig.BuildResources r = config.resources();
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity(r.cpuRequest()))
        .addToRequests("memory", new Quantity(r.memoryRequest()))
        .addToLimits("cpu", new Quantity(r.cpuLimit()))
        .addToLimits("memory", new Quantity(r.memoryLimit()))
        .build();
  }

  /**
   * The registry's {@code .dockerconfigjson} as {@code config.json}, where builders read it.
   *
   * @param repoSecret the image repo's own ({@link RegistrySecretSpec}), or {@code null} for the
   *     platform's {@code REGISTRY_SECRET}
   */
  Volume dockerConfig(String repoSecret) {
    return new VolumeBuilder()
        .withName(DOCKER_CONFIG_VOLUME)
        .withNewSecret()
        .withSecretName(repoSecret != null ? repoSecret : config.registrySecret())
        .addNewItem()
        .withKey(".dockerconfigjson")
        .withPath("config.json")
        .endItem()
        .endSecret()
        .build();
  }

  List<EnvVar> proxyEnv() {
    List<EnvVar> env = new ArrayList<>();
    String proxy = config.httpProxy();
    if (proxy != null && !proxy.isBlank()) {
      for (String name : List.of("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")) {
        env.add(new EnvVarBuilder().withName(name).withValue(proxy).build());
      }
    }
    String noProxy = config.noProxy();
    if (noProxy != null && !noProxy.isBlank()) {
      for (String name : List.of("NO_PROXY", "no_proxy")) {
        env.add(new EnvVarBuilder().withName(name).withValue(noProxy).build());
      }
    }
    return env;
  }

  /**
   * The image repo's git credentials as {@code GIT_USERNAME}/{@code GIT_PASSWORD}: references,
   * never values, so that the Job and Pod specs (readable by anyone who may list Jobs) hold no
   * secret.
   */
  static List<EnvVar> gitCredentials(String gitSecret) {
    return List.of(
        fromSecret("GIT_USERNAME", gitSecret, GitSecretSpec.USERNAME_KEY),
        fromSecret("GIT_PASSWORD", gitSecret, GitSecretSpec.PASSWORD_KEY));
  }

  static EnvVar fromSecret(String name, String secret, String key) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewSecretKeyRef()
        .withName(secret)
        .withKey(key)
        .withOptional(false)
        .endSecretKeyRef()
        .endValueFrom()
        .build();
  }

  /** Whether {@code image}'s registry is one reached without TLS verification. */
  boolean insecure(String image) {
    String host = image.split("/", 2)[0];
    return config.insecureRegistries().contains(host);
  }

  /**
   * Where the build keeps its layer cache: its image repo's {@code cache_repo}, else {@code
   * KANIKO_CACHE_REPO}; {@code null} when it builds without cache ({@code no_cache}, or neither).
   */
  String cacheRepo(BuildSource source) {
    String repo = source.cacheRepo() != null ? source.cacheRepo() : config.cacheRepo();
    return source.noCache() || repo == null || repo.isBlank() ? null : repo;
  }
}
