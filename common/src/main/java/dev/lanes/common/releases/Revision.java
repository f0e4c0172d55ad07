package dev.lanes.common.releases;

import java.time.Instant;
import java.util.Map;

/** One revision of a release, as its history shows it. */
public record Revision(
    int revision,
    String tag,
    String image,
    int replicas,
    Map<String, String> envs,
    String cause,
    Instant createdAt) {}
