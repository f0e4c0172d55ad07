package dev.lanes.releases.k8s;

import dev.lanes.common.k8s.LaneLabels;
import dev.lanes.common.k8s.LaneNames;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** The Secret {@code {app}-secrets} holding an app's secret envs, read by its pods. Pure. */
public final class AppSecretSpec {

  private final String namespace;

  public AppSecretSpec(String namespace) {
    this.namespace = namespace;
  }

  public Secret desired(String app, Map<String, String> values) {
    Map<String, String> data = new TreeMap<>();
    values.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder()
        .withNewMetadata()
        .withName(LaneNames.secret(app))
        .withNamespace(namespace)
        .withLabels(LaneLabels.forAppSecret(app).toMap())
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /** A digest of the values, so pods restart when they change; never the values themselves. */
  public static String checksum(Map<String, String> values) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(values)
          .forEach(
              (k, v) -> {
                sha.update(k.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(v.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
              });
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
