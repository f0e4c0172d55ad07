package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import dev.lanes.gateway.audit.Actors;
import dev.lanes.gateway.store.AppStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/apps}: run configurations. */
final class AppHandler {

  private final AppStore store;
  private final AppRequests requests = new AppRequests();

  AppHandler(AppStore store) {
    this.store = store;
  }

  void mount(ApiRoutes routes) {
    routes.change(
        HttpMethod.POST,
        "/apps",
        Scope.DEPLOY,
        AuditAction.APP_CREATE,
        null,
        Routes.json(this::create));
    routes.add(HttpMethod.GET, "/apps", Scope.READ, Routes.json(this::list));
    routes.add(HttpMethod.GET, "/apps/{app}", Scope.READ, Routes.json(this::get));
    routes.change(
        HttpMethod.PUT,
        "/apps/{app}",
        Scope.DEPLOY,
        AuditAction.APP_UPDATE,
        "app",
        Routes.json(this::update));
    routes.change(
        HttpMethod.DELETE,
        "/apps/{app}",
        Scope.DEPLOY,
        AuditAction.APP_DELETE,
        "app",
        Routes.json(this::delete));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    return store
        .insert(Actors.of(ctx), requests.create(body))
        .map(app -> Reply.created(app, ApiRoutes.BASE + "/apps/" + app.name()));
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    return store.list(page.after(), page.limit()).map(p -> Reply.page(p.items(), p.nextAfter()));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return store.get(Requests.param(ctx, "app")).map(Reply::ok);
  }

  private Future<Reply> update(RoutingContext ctx) {
    String name = Requests.param(ctx, "app");
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    return store.update(Actors.of(ctx), name, requests.update(body, name)).map(Reply::ok);
  }

  private Future<Reply> delete(RoutingContext ctx) {
    return store.delete(Actors.of(ctx), Requests.param(ctx, "app")).map(v -> Reply.noContent());
  }
}
