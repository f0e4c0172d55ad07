package dev.lanes.common.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Run configuration of an application.
 *
 * @param imageRepo the image repo its builds use, or {@code null}
 * @param port 0 for a worker (no Service, never routed), else the container port
 * @param secretEnvs names of the secret variables, each mapped to {@code "***"}: values are
 *     write-only and never leave the store through this record
 * @param healthPath HTTP readiness path, or {@code null} for a TCP check on the port
 */
public record App(
    String name,
    String description,
    String imageRepo,
    int port,
    List<String> command,
    List<String> args,
    Map<String, String> envs,
    Map<String, String> secretEnvs,
    int replicas,
    Resources resources,
    String healthPath,
    String serviceAccount,
    Instant createdAt,
    Instant updatedAt) {

  public static final String MASK = "***";
  public static final int DEFAULT_REPLICAS = 1;

  @JsonIgnore
  public boolean isWorker() {
    return port == 0;
  }
}
