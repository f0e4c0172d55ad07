package dev.lanes.common.k8s;

import java.util.UUID;

/** The names of every Kubernetes object Lanes creates; nothing else makes these names. */
public final class LaneNames {

  public static final int MAX_NAME = 63;

  private LaneNames() {}

  /** {@code build-<id without dashes>}: 38 characters, a valid Job and Pod name prefix. */
  public static String buildJob(UUID buildId) {
    return "build-" + buildId.toString().replace("-", "");
  }

  /** The NetworkPolicy that limits where build pods may connect: {@code lanes-build-egress}. */
  public static String buildEgressPolicy() {
    return "lanes-build-egress";
  }

  /** The Deployment and Service of an app in a lane: {@code {app}-{lane}}. */
  public static String laneObject(String app, String lane) {
    return app + "-" + lane;
  }

  /** The base Service of an app, selecting its prod pods: {@code {app}}. */
  public static String baseService(String app) {
    return app;
  }

  /** The Secret holding an app's secret envs: {@code {app}-secrets}. */
  public static String secret(String app) {
    return app + "-secrets";
  }

  /**
   * The Secret in the build namespace holding an image repo's git credentials, which build pods
   * read through {@code secretKeyRef}: {@code {repo}-git}.
   */
  public static String gitSecret(String imageRepo) {
    return imageRepo + "-git";
  }

  /**
   * The Secret in the build namespace holding an image repo's registry credentials, mounted for the
   * builder as its docker config: {@code {repo}-registry}.
   */
  public static String registrySecret(String imageRepo) {
    return imageRepo + "-registry";
  }

  /**
   * The Secret in the build namespace holding an image repo's build secrets, which BuildKit reads
   * through {@code secretKeyRef}: {@code {repo}-build-secrets}.
   */
  public static String buildSecrets(String imageRepo) {
    return imageRepo + "-build-secrets";
  }

  /** Whether {@code {app}-{lane}} fits in a Kubernetes name. */
  public static boolean fits(String app, String lane) {
    return laneObject(app, lane).length() <= MAX_NAME;
  }
}
