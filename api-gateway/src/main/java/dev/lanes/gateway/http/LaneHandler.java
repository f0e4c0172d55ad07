package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.domain.Lane;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.lanes.LaneIntake;
import dev.lanes.common.lanes.LaneQueries;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Rules;
import dev.lanes.common.validation.Validation;
import dev.lanes.gateway.audit.Actors;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/lanes}: where releases run. {@code prod} and {@code blue} are protected. */
final class LaneHandler {

  /** A lane lives at least a minute and at most a year. */
  static final int MIN_TTL = 60;

  static final int MAX_TTL = 366 * 24 * 3600;

  private final LaneQueries store;
  private final LaneIntake lifecycle;

  LaneHandler(LaneQueries store, LaneIntake lifecycle) {
    this.store = store;
    this.lifecycle = lifecycle;
  }

  void mount(ApiRoutes routes) {
    routes.change(
        HttpMethod.POST,
        "/lanes",
        Scope.DEPLOY,
        AuditAction.LANE_CREATE,
        null,
        Routes.json(this::create));
    routes.add(HttpMethod.GET, "/lanes", Scope.READ, Routes.json(this::list));
    routes.add(HttpMethod.GET, "/lanes/{lane}", Scope.READ, Routes.json(this::get));
    routes.change(
        HttpMethod.DELETE,
        "/lanes/{lane}",
        Scope.DEPLOY,
        AuditAction.LANE_DELETE,
        "lane",
        Routes.json(this::delete));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    return lifecycle
        .create(Actors.of(ctx), read(body))
        .map(lane -> Reply.created(lane, ApiRoutes.BASE + "/lanes/" + lane.name()));
  }

  static Lane read(JsonBody body) {
    Validation v = body.validation();
    String name = body.requiredString("name");
    if (name != null) {
      Rules.checkName(v, "name", name);
    }
    String description = body.string("description");
    if (description != null) {
      Rules.checkDescription(v, "description", description);
    }
    Integer ttl = body.integer("ttl_seconds");
    if (ttl != null) {
      v.check(
          ttl >= MIN_TTL && ttl <= MAX_TTL,
          "ttl_seconds",
          "must be " + MIN_TTL + ".." + MAX_TTL + " (a minute to a year), got " + ttl);
    }
    Boolean isProtected = body.bool("protected");
    body.rejectUnknownFields();
    v.throwIfInvalid();
    return new Lane(
        name,
        description == null ? "" : description,
        ttl,
        Boolean.TRUE.equals(isProtected),
        Lane.ACTIVE,
        null,
        null,
        null);
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    return store.list(page.after(), page.limit()).map(p -> Reply.page(p.items(), p.nextAfter()));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return store.get(Requests.param(ctx, "lane")).map(Reply::ok);
  }

  private Future<Reply> delete(RoutingContext ctx) {
    return lifecycle.delete(Actors.of(ctx), Requests.param(ctx, "lane")).map(Reply::accepted);
  }
}
