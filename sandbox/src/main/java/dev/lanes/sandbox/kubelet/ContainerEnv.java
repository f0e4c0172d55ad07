package dev.lanes.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A container's environment as a kubelet gives it: literal values, and values a {@code
 * secretKeyRef} points at, read from the Secret in the pod's namespace when the container starts.
 * So a simulated build uses what its Job really references: a Job that forgot the git Secret clones
 * without credentials, one that names a missing Secret does not start.
 */
final class ContainerEnv {

  private ContainerEnv() {}

  /**
   * @throws ConfigException as the kubelet's CreateContainerConfigError: a Secret or key a
   *     non-optional reference needs is not there
   */
  static Map<String, String> resolve(KubernetesClient client, String namespace, Container c)
      throws ConfigException {
    Map<String, String> env = new HashMap<>();
    if (c.getEnv() == null) {
      return env;
    }
    for (EnvVar var : c.getEnv()) {
      if (var.getValueFrom() == null) {
        env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
      } else if (var.getValueFrom().getSecretKeyRef() != null) {
        String value = secretValue(client, namespace, var.getValueFrom().getSecretKeyRef());
        if (value != null) {
          env.put(var.getName(), value);
        }
      }
      // fieldRef and the other sources: nothing the sandbox's workloads read
    }
    return env;
  }

  private static String secretValue(
      KubernetesClient client, String namespace, SecretKeySelector ref) throws ConfigException {
    boolean optional = Boolean.TRUE.equals(ref.getOptional());
    Secret secret = client.secrets().inNamespace(namespace).withName(ref.getName()).get();
    if (secret == null) {
      if (optional) {
        return null;
      }
      throw new ConfigException("secret \"" + ref.getName() + "\" not found");
    }
    String value = value(secret, ref.getKey());
    if (value == null && !optional) {
      throw new ConfigException(
          "couldn't find key " + ref.getKey() + " in Secret " + namespace + "/" + ref.getName());
    }
    return value;
  }

  /** What a kubelet reads of {@code key}: {@code data} decoded, else {@code stringData}; null. */
  static String value(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      return new String(Base64.getDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
    }
    Map<String, String> stringData = secret.getStringData();
    return stringData == null ? null : stringData.get(key);
  }

  /** The container cannot start: its message is the kubelet's, naming no value. */
  static final class ConfigException extends Exception {
    ConfigException(String message) {
      super(message);
    }
  }
}
