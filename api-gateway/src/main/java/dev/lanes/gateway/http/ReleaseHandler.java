package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.pods.AppPods;
import dev.lanes.common.releases.ReleaseIntake;
import dev.lanes.common.releases.ReleaseQueries;
import dev.lanes.common.releases.ReleaseRequest;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Rules;
import dev.lanes.common.validation.Validation;
import dev.lanes.gateway.audit.Actors;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /api/v1/releases}: an image tag of an app in a lane. Every change is a new revision,
 * rolled out asynchronously; {@code ?wait=} holds the answer until {@code deployed} or {@code
 * failed}. Also the app logs of a lane.
 */
final class ReleaseHandler {

  private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final int MAX_TAIL = 10_000;

  private final ReleaseQueries releases;
  private final ReleaseIntake intake;
  private final StatusWaiter waiter;
  private final AppPods runtime;
  private final AppLogStream appLogs;

  ReleaseHandler(
      ReleaseQueries releases,
      ReleaseIntake intake,
      StatusWaiter waiter,
      AppPods runtime,
      AppLogStream appLogs) {
    this.intake = intake;
    this.releases = releases;
    this.waiter = waiter;
    this.runtime = runtime;
    this.appLogs = appLogs;
  }

  void mount(ApiRoutes routes) {
    routes.change(
        HttpMethod.POST,
        "/releases",
        Scope.DEPLOY,
        AuditAction.RELEASE_DEPLOY,
        null,
        Routes.json(this::create));
    routes.add(HttpMethod.GET, "/releases", Scope.READ, Routes.json(this::list));
    routes.change(
        HttpMethod.DELETE,
        "/releases",
        Scope.DEPLOY,
        AuditAction.RELEASE_DELETE,
        null,
        Routes.json(this::deleteByAppAndLane));
    routes.add(HttpMethod.GET, "/releases/{id}", Scope.READ, Routes.json(this::get));
    routes.change(
        HttpMethod.PUT,
        "/releases/{id}",
        Scope.DEPLOY,
        AuditAction.RELEASE_UPDATE,
        "id",
        Routes.json(this::update));
    routes.change(
        HttpMethod.DELETE,
        "/releases/{id}",
        Scope.DEPLOY,
        AuditAction.RELEASE_DELETE,
        "id",
        Routes.json(this::delete));
    routes.add(HttpMethod.GET, "/releases/{id}/history", Scope.READ, Routes.json(this::history));
    routes.change(
        HttpMethod.POST,
        "/releases/{id}/rollback",
        Scope.DEPLOY,
        AuditAction.RELEASE_ROLLBACK,
        "id",
        Routes.json(this::rollback));
    routes.add(HttpMethod.GET, "/releases/{id}/status", Scope.READ, Routes.json(this::status));
    routes.add(HttpMethod.GET, "/apps/{app}/logs", Scope.READ, this::appLogs);
  }

  private Future<Reply> create(RoutingContext ctx) {
    Duration wait = BuildHandler.waitParam(ctx);
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    Validation v = body.validation();
    String app = body.requiredString("app");
    if (app != null) {
      Rules.checkName(v, "app", app);
    }
    String lane = body.requiredString("lane");
    if (lane != null) {
      Rules.checkName(v, "lane", lane);
    }
    ReleaseRequest request = changes(body, app, lane);
    return intake.release(Actors.of(ctx), request).compose(r -> answer(r, wait));
  }

  private Future<Reply> update(RoutingContext ctx) {
    UUID id = id(ctx);
    Duration wait = BuildHandler.waitParam(ctx);
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    ReleaseRequest request = changes(body, null, null);
    return intake.update(Actors.of(ctx), id, request).compose(r -> answer(r, wait));
  }

  /** The fields a POST or PUT may change; checks them all and rejects unknown ones. */
  private static ReleaseRequest changes(JsonBody body, String app, String lane) {
    Validation v = body.validation();
    String tag = body.string("tag");
    if (tag != null) {
      v.check(
          TAG.matcher(tag).matches(),
          "tag",
          "must be an image tag: letters, digits, '.', '_' and '-', at most 128");
    }
    Integer replicas = body.integer("replicas");
    if (replicas != null) {
      Rules.checkReplicas(v, "replicas", replicas);
    }
    v.check(!body.isNull("replicas"), "replicas", "cannot be null");
    boolean clear = body.isNull("envs");
    Map<String, String> envs = body.stringMap("envs", true);
    if (envs != null) {
      envs.forEach((name, value) -> Rules.checkEnvName(v, "envs." + name, name));
    }
    body.rejectUnknownFields();
    v.throwIfInvalid();
    return new ReleaseRequest(app, lane, tag, replicas, envs, clear);
  }

  private Future<Reply> answer(Release release, Duration wait) {
    if (wait == null) {
      return Future.succeededFuture(accepted(release));
    }
    return waiter
        .until(() -> releases.get(release.id()), r -> r.status().isTerminal(), wait)
        .map(r -> r.status().isTerminal() ? Reply.ok(r) : accepted(r));
  }

  private static Reply accepted(Release r) {
    return new Reply(202, r, null, Map.of("Location", ApiRoutes.BASE + "/releases/" + r.id()));
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    String app = ctx.request().getParam("app");
    String lane = ctx.request().getParam("lane");
    return releases
        .list(app, lane, page.after(), page.limit())
        .map(p -> Reply.page(p.items(), p.nextAfter()));
  }

  private Future<Reply> deleteByAppAndLane(RoutingContext ctx) {
    String app = ctx.request().getParam("app");
    String lane = ctx.request().getParam("lane");
    Validation v = new Validation();
    v.check(app != null && !app.isBlank(), "app", "is required: DELETE /releases?app=web&lane=dev");
    v.check(
        lane != null && !lane.isBlank(), "lane", "is required: DELETE /releases?app=web&lane=dev");
    v.throwIfInvalid();
    return releases
        .find(app, lane)
        .compose(r -> intake.delete(Actors.of(ctx), r.id()))
        .map(Reply::accepted);
  }

  private Future<Reply> get(RoutingContext ctx) {
    return releases.get(id(ctx)).map(Reply::ok);
  }

  private Future<Reply> delete(RoutingContext ctx) {
    return intake.delete(Actors.of(ctx), id(ctx)).map(Reply::accepted);
  }

  private Future<Reply> history(RoutingContext ctx) {
    return releases.history(id(ctx)).map(Reply::ok);
  }

  private Future<Reply> rollback(RoutingContext ctx) {
    UUID id = id(ctx);
    Duration wait = BuildHandler.waitParam(ctx);
    Integer revision = null;
    if (ctx.body().buffer() != null && ctx.body().buffer().length() > 0) {
      JsonBody body = Requests.jsonBody(ctx, new Validation());
      revision = body.integer("revision");
      if (revision != null) {
        body.validation().check(revision >= 1, "revision", "must be 1 or more");
      }
      body.rejectUnknownFields();
      body.validation().throwIfInvalid();
    }
    return intake.rollback(Actors.of(ctx), id, revision).compose(r -> answer(r, wait));
  }

  private Future<Reply> status(RoutingContext ctx) {
    return releases
        .get(id(ctx))
        .compose(
            r ->
                runtime == null
                    ? Future.succeededFuture(
                        new AppPods.Status(r.deployment(), r.replicas(), 0, 0, 0, List.of()))
                    : runtime.status(r))
        .map(Reply::ok);
  }

  private void appLogs(RoutingContext ctx) {
    AppLogStream.Request request;
    try {
      request = logRequest(ctx);
    } catch (ClientError e) {
      ctx.fail(e);
      return;
    }
    appLogs.stream(ctx, request);
  }

  private static AppLogStream.Request logRequest(RoutingContext ctx) {
    Validation v = new Validation();
    String app = Requests.param(ctx, "app");
    String lane = ctx.request().getParam("lane", "prod");
    Rules.checkName(v, "lane", lane);
    int tail = 200;
    String rawTail = ctx.request().getParam("tail");
    if (rawTail != null) {
      try {
        tail = Integer.parseInt(rawTail);
        v.check(tail >= 1 && tail <= MAX_TAIL, "tail", "must be 1.." + MAX_TAIL);
      } catch (NumberFormatException e) {
        v.add("tail", "must be an integer 1.." + MAX_TAIL);
      }
    }
    Instant since = null;
    String rawSince = ctx.request().getParam("since");
    if (rawSince != null) {
      try {
        since = Instant.now().minus(ConfigParsers.duration(rawSince));
      } catch (IllegalArgumentException e) {
        v.add("since", "must be a duration such as 10m or 1h");
      }
    }
    v.throwIfInvalid();
    return new AppLogStream.Request(
        app, lane, tail, since, "true".equalsIgnoreCase(ctx.request().getParam("follow")));
  }

  private static UUID id(RoutingContext ctx) {
    String raw = Requests.param(ctx, "id");
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new ClientError(ErrorCode.RELEASE_NOT_FOUND, "release " + raw + " does not exist");
    }
  }
}
