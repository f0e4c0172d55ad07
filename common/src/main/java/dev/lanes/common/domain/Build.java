package dev.lanes.common.domain;

import java.time.Instant;
import java.util.UUID;

/**
 * One image build of an app's image repo from a git ref.
 *
 * @param commit the full 40-hex SHA the ref resolved to, once resolved
 * @param tag the first 7 hex characters of the commit
 * @param image {@code registry:tag}
 * @param reason why it failed or was cancelled, as a stable code; {@code null} otherwise
 * @param message why it failed, in words, or {@code null}
 * @param reusedFrom the earlier build of the same commit whose image this one reused, or {@code
 *     null}
 */
public record Build(
    UUID id,
    String app,
    String imageRepo,
    String gitRef,
    String commit,
    String tag,
    String image,
    String digest,
    BuildStatus status,
    BuildReason reason,
    String message,
    String jobName,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    UUID reusedFrom) {

  public static final String DEFAULT_REF = "main";
}
