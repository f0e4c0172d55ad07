package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.domain.Builder;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.net.GitNetworks;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import dev.lanes.gateway.audit.Actors;
import dev.lanes.gateway.store.ImageRepoStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

/** {@code /api/v1/image-repos}: build configurations. */
final class ImageRepoHandler {

  private final ImageRepoStore store;
  private final ImageRepoRequests requests;

  ImageRepoHandler(ImageRepoStore store, GitNetworks git, Builder defaultBuilder) {
    this.store = store;
    this.requests = new ImageRepoRequests(git.localGit(), git, defaultBuilder);
  }

  void mount(ApiRoutes routes) {
    routes.change(
        HttpMethod.POST,
        "/image-repos",
        Scope.DEPLOY,
        AuditAction.IMAGE_REPO_CREATE,
        null,
        Routes.json(this::create));
    routes.add(HttpMethod.GET, "/image-repos", Scope.READ, Routes.json(this::list));
    routes.add(HttpMethod.GET, "/image-repos/{repo}", Scope.READ, Routes.json(this::get));
    routes.change(
        HttpMethod.PUT,
        "/image-repos/{repo}",
        Scope.DEPLOY,
        AuditAction.IMAGE_REPO_UPDATE,
        "repo",
        Routes.json(this::update));
    routes.change(
        HttpMethod.DELETE,
        "/image-repos/{repo}",
        Scope.DEPLOY,
        AuditAction.IMAGE_REPO_DELETE,
        "repo",
        Routes.json(this::delete));
  }

  private Future<Reply> create(RoutingContext ctx) {
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    return store
        .insert(Actors.of(ctx), requests.create(body))
        .map(repo -> Reply.created(repo, ApiRoutes.BASE + "/image-repos/" + repo.name()));
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    return store.list(page.after(), page.limit()).map(p -> Reply.page(p.items(), p.nextAfter()));
  }

  private Future<Reply> get(RoutingContext ctx) {
    return store.get(Requests.param(ctx, "repo")).map(Reply::ok);
  }

  private Future<Reply> update(RoutingContext ctx) {
    String name = Requests.param(ctx, "repo");
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    return store.update(Actors.of(ctx), name, requests.update(body, name)).map(Reply::ok);
  }

  private Future<Reply> delete(RoutingContext ctx) {
    return store.delete(Actors.of(ctx), Requests.param(ctx, "repo")).map(v -> Reply.noContent());
  }
}
