package dev.lanes.common.domain;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An image tag of an app running in a lane; one per (app, lane).
 *
 * @param envs release overrides, merged over the app's envs
 * @param revision increments on every change
 * @param reason why it failed, as a stable code; {@code null} unless {@code failed}
 * @param message why it failed, in words, or {@code null}
 * @param deployment the Deployment's name, {@code {app}-{lane}}
 * @param service the Service's name, or {@code null} for a worker
 */
public record Release(
    UUID id,
    String app,
    String lane,
    String tag,
    String image,
    int replicas,
    Map<String, String> envs,
    int revision,
    ReleaseStatus status,
    ReleaseReason reason,
    String message,
    String deployment,
    String service,
    Instant createdAt,
    Instant updatedAt) {}
