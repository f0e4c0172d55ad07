package dev.lanes.common.audit;

import java.time.Instant;
import java.util.Map;

/** One entry of the audit log as {@code GET /api/v1/audit} answers it. */
public record AuditRecord(
    long id,
    Instant at,
    Map<String, Object> actor,
    String source,
    String requestId,
    String action,
    String resource,
    String resourceId,
    String outcome,
    Map<String, Object> details) {}
