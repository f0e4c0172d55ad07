package dev.lanes.gateway.http;

import dev.lanes.common.audit.Actor;
import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.builds.BuildIntake;
import dev.lanes.common.builds.BuildOverrides;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.config.ConfigParsers;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.Scope;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.validation.BuildArgs;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import dev.lanes.gateway.audit.Actors;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** {@code /api/v1/apps/{app}/builds}: start, read, cancel builds and read their logs. */
final class BuildHandler {

  static final Duration MAX_WAIT = Duration.ofMinutes(5);
  private static final Pattern REF = Pattern.compile("[A-Za-z0-9._/-]{1,255}");
  private static final Pattern FULL_SHA = Pattern.compile("[0-9a-f]{40}");

  private final BuildQueries builds;
  private final BuildIntake intake;
  private final StatusWaiter waiter;
  private final BuildLogStream logs;

  BuildHandler(BuildQueries builds, BuildIntake intake, StatusWaiter waiter, BuildLogStream logs) {
    this.intake = intake;
    this.builds = builds;
    this.waiter = waiter;
    this.logs = logs;
  }

  void mount(ApiRoutes routes) {
    routes.change(
        HttpMethod.POST,
        "/apps/{app}/builds",
        Scope.DEPLOY,
        AuditAction.BUILD_CREATE,
        null,
        Routes.json(this::create));
    routes.add(HttpMethod.GET, "/apps/{app}/builds", Scope.READ, Routes.json(this::list));
    // before {id}: "latest" is not an id
    routes.add(HttpMethod.GET, "/apps/{app}/builds/latest", Scope.READ, Routes.json(this::latest));
    routes.add(HttpMethod.GET, "/apps/{app}/builds/{id}", Scope.READ, Routes.json(this::get));
    routes.change(
        HttpMethod.POST,
        "/apps/{app}/builds/{id}/cancel",
        Scope.DEPLOY,
        AuditAction.BUILD_CANCEL,
        "id",
        Routes.json(this::cancel));
    routes.add(HttpMethod.GET, "/apps/{app}/builds/{id}/logs", Scope.READ, this::logs);
  }

  /** The body of a build request. */
  private record BuildRequest(String gitRef, boolean force, BuildOverrides overrides) {

    /** A request that changes its repo's settings is a new build even of a commit built before. */
    boolean mayReuse() {
      return !force && !overrides.any();
    }
  }

  private Future<Reply> create(RoutingContext ctx) {
    String app = Requests.param(ctx, "app");
    Duration wait = waitParam(ctx);
    BuildRequest request = read(ctx);
    if (request.mayReuse() && FULL_SHA.matcher(request.gitRef()).matches()) {
      return builds
          .builtFor(app, request.gitRef())
          .compose(
              existing ->
                  existing.isPresent()
                      ? Future.succeededFuture(Reply.ok(existing.get()))
                      : start(Actors.of(ctx), app, request, wait));
    }
    return start(Actors.of(ctx), app, request, wait);
  }

  private Future<Reply> start(Actor actor, String app, BuildRequest request, Duration wait) {
    return intake
        .request(actor, app, request.gitRef(), request.force(), request.overrides())
        .compose(
            build ->
                wait == null
                    ? Future.succeededFuture(build)
                    : waiter.until(
                        () -> builds.get(app, build.id()), b -> b.status().isTerminal(), wait))
        .map(build -> answer(app, build));
  }

  private static Reply answer(String app, Build build) {
    String location = ApiRoutes.BASE + "/apps/" + app + "/builds/" + build.id();
    return build.status().isTerminal()
        ? Reply.created(build, location)
        : new Reply(202, build, null, Map.of("Location", location));
  }

  private static BuildRequest read(RoutingContext ctx) {
    Buffer raw = ctx.body().buffer();
    if ((raw == null || raw.length() == 0) && ctx.request().getHeader("Content-Type") == null) {
      return new BuildRequest(Build.DEFAULT_REF, false, BuildOverrides.NONE);
    }
    JsonBody body = Requests.jsonBody(ctx, new Validation());
    Validation v = body.validation();
    String ref = body.string("git_ref");
    if (ref != null) {
      v.check(
          REF.matcher(ref).matches() && !ref.startsWith("-") && !ref.contains(".."),
          "git_ref",
          "must be a branch, tag or commit: 1..255 of A-Z a-z 0-9 . _ / -");
    }
    Boolean force = body.bool("force");
    BuildOverrides overrides =
        new BuildOverrides(BuildArgs.read(body, "build_args"), body.bool("no_cache"));
    body.rejectUnknownFields();
    v.throwIfInvalid();
    return new BuildRequest(
        ref == null ? Build.DEFAULT_REF : ref, Boolean.TRUE.equals(force), overrides);
  }

  /** {@code ?wait=60s}: how long to hold the answer for a terminal status; at most 5 minutes. */
  static Duration waitParam(RoutingContext ctx) {
    String raw = ctx.request().getParam("wait");
    if (raw == null) {
      return null;
    }
    Duration wait;
    try {
      wait =
          raw.matches("\\d+")
              ? Duration.ofSeconds(Long.parseLong(raw))
              : ConfigParsers.duration(raw);
    } catch (IllegalArgumentException e) {
      throw invalidWait("must be a duration such as 30s or 2m");
    }
    if (wait.isNegative() || wait.compareTo(MAX_WAIT) > 0) {
      throw invalidWait("must be between 0s and 5m");
    }
    return wait;
  }

  private static ClientError invalidWait(String message) {
    return ClientError.invalid(
        java.util.List.of(new dev.lanes.common.error.FieldError("wait", message)));
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    return builds
        .list(Requests.param(ctx, "app"), page.after(), page.limit())
        .map(p -> Reply.page(p.items(), p.nextAfter()));
  }

  private Future<Reply> latest(RoutingContext ctx) {
    return builds.latest(Requests.param(ctx, "app")).map(Reply::ok);
  }

  private Future<Reply> get(RoutingContext ctx) {
    String app = Requests.param(ctx, "app");
    return builds.get(app, buildId(ctx, app)).map(Reply::ok);
  }

  private Future<Reply> cancel(RoutingContext ctx) {
    String app = Requests.param(ctx, "app");
    return intake.cancel(Actors.of(ctx), app, buildId(ctx, app)).map(Reply::ok);
  }

  private void logs(RoutingContext ctx) {
    String app = Requests.param(ctx, "app");
    UUID id;
    try {
      id = buildId(ctx, app);
    } catch (ClientError e) {
      ctx.fail(e);
      return;
    }
    builds.get(app, id).onSuccess(build -> logs.stream(ctx, build)).onFailure(ctx::fail);
  }

  /** A build id from the path; anything that is not one is a build that does not exist. */
  private static UUID buildId(RoutingContext ctx, String app) {
    String raw = Requests.param(ctx, "id");
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      throw new ClientError(ErrorCode.BUILD_NOT_FOUND, "app '" + app + "' has no build " + raw);
    }
  }
}
