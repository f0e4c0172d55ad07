package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.audit.AuditQueries;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.validation.Validation;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code GET /api/v1/audit} (admin): who changed what, newest first, filtered by {@code actor} (an
 * API key's id or name), {@code resource} (a kind, {@code app}, or one resource, {@code app/web})
 * and {@code since} (an RFC 3339 time or a duration back from now, {@code 1h}), paginated.
 */
final class AuditHandler {

  private static final Set<String> KINDS =
      new TreeSet<>(Arrays.stream(AuditAction.values()).map(AuditAction::resource).toList());
  private static final Pattern RESOURCE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

  private final AuditQueries audit;
  private final Clock clock;

  AuditHandler(AuditQueries audit, Clock clock) {
    this.audit = audit;
    this.clock = clock;
  }

  void mount(ApiRoutes routes) {
    routes.add(HttpMethod.GET, "/audit", Scope.ADMIN, Routes.json(this::list));
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    AuditQueries.Filter filter = filter(ctx, page);
    return audit
        .list(filter, page.limit())
        .map(
            p ->
                Reply.page(
                    p.items(), p.nextBefore() == null ? null : String.valueOf(p.nextBefore())));
  }

  private AuditQueries.Filter filter(RoutingContext ctx, PageRequest page) {
    Validation v = new Validation();
    String actor = ctx.request().getParam("actor");
    if (actor != null) {
      v.check(
          !actor.isBlank() && actor.length() <= 100,
          "actor",
          "must be an API key's id or name, 1..100 characters");
    }
    String resource = ctx.request().getParam("resource");
    if (resource != null) {
      checkResource(v, resource);
    }
    Instant since = since(v, ctx.request().getParam("since"));
    Long before = null;
    if (!page.after().isEmpty()) {
      try {
        before = Long.parseLong(page.after());
      } catch (NumberFormatException e) {
        v.add("cursor", "must be a next_cursor from a previous page");
      }
    }
    v.throwIfInvalid();
    return new AuditQueries.Filter(actor, resource, since, before);
  }

  private static void checkResource(Validation v, String resource) {
    int slash = resource.indexOf('/');
    String kind = slash < 0 ? resource : resource.substring(0, slash);
    if (!KINDS.contains(kind)) {
      v.add("resource", "must be one of " + KINDS + ", or one of them/an id: app/web");
      return;
    }
    if (slash >= 0) {
      v.check(
          RESOURCE_ID.matcher(resource.substring(slash + 1)).matches(),
          "resource",
          "the id after '/' must be a name or an id: 1..128 of A-Z a-z 0-9 . _ : -");
    }
  }

  /** {@code since}: an RFC 3339 time, or a duration back from now as {@code kubectl} takes it. */
  private Instant since(Validation v, String raw) {
    if (raw == null) {
      return null;
    }
    Instant since;
    try {
      since = Instant.parse(raw);
    } catch (DateTimeParseException notATime) {
      try {
        since = clock.instant().minus(ConfigParsers.duration(raw));
      } catch (IllegalArgumentException | ArithmeticException | DateTimeException notADuration) {
        since = null;
      }
    }
    // PostgreSQL's timestamps end long before Instant's: keep to years it and people use
    if (since == null || since.isBefore(EARLIEST) || since.isAfter(LATEST)) {
      v.add("since", "must be a time (2026-12-03T10:00:00Z) or a duration (30m, 24h)");
      return null;
    }
    return since;
  }
}
