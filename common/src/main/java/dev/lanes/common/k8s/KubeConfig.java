package dev.lanes.common.k8s;

import dev.lanes.common.config.ConfigKey;
import dev.lanes.common.config.ConfigReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which Kubernetes API to use: the kubeconfig of {@code KUBECONFIG}, the service account of the pod
 * the process runs in, or neither (then {@code make run} starts the sandbox cluster).
 */
public record KubeConfig(Path kubeconfig, boolean inCluster) {

  public static final ConfigKey<Path> KUBECONFIG =
      ConfigKey.of(
          "KUBECONFIG",
          null,
          Path::of,
          "kubeconfig of the cluster to use. Unset and not in a pod: make run starts the sandbox"
              + " cluster.");

  public static final ConfigKey<String> DEPLOY_NAMESPACE =
      ConfigKey.string(
          "DEPLOY_NAMESPACE", "prod", "Namespace of the apps' Deployments and Services.");

  static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  public static KubeConfig from(ConfigReader reader, Map<String, String> env) {
    Path kubeconfig = reader.get(KUBECONFIG);
    if (kubeconfig != null && !Files.isReadable(kubeconfig)) {
      reader.problem("KUBECONFIG: cannot read " + kubeconfig);
    }
    boolean inCluster =
        env.containsKey("KUBERNETES_SERVICE_HOST") && Files.isReadable(SERVICE_ACCOUNT_TOKEN);
    return new KubeConfig(kubeconfig, inCluster);
  }

  /** Whether a real cluster is configured. */
  public boolean isConfigured() {
    return kubeconfig != null || inCluster;
  }

  public static KubeConfig of(Path kubeconfig) {
    return new KubeConfig(kubeconfig, false);
  }
}
