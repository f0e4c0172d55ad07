package dev.lanes.common.releases;

import java.util.Map;

/**
 * What a {@code POST /releases} or {@code PUT /releases/{id}} asks for; {@code null} fields keep
 * their values.
 *
 * @param envs overrides to merge key by key; a {@code null} value deletes its key
 * @param clearEnvs whether {@code "envs": null} asked to remove every override first
 */
public record ReleaseRequest(
    String app,
    String lane,
    String tag,
    Integer replicas,
    Map<String, String> envs,
    boolean clearEnvs) {}
