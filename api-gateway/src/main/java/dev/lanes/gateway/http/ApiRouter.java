package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditQueries;
import dev.lanes.common.builds.BuildIntake;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.db.Database;
import dev.lanes.common.domain.Builder;
import dev.lanes.common.http.ProblemHandler;
import dev.lanes.common.http.RequestIds;
import dev.lanes.common.lanes.LaneIntake;
import dev.lanes.common.lanes.LaneQueries;
import dev.lanes.common.messaging.PgDeadLetters;
import dev.lanes.common.net.GitNetworks;
import dev.lanes.common.pods.AppPods;
import dev.lanes.common.pods.BuildPods;
import dev.lanes.common.releases.ReleaseIntake;
import dev.lanes.common.releases.ReleaseQueries;
import dev.lanes.gateway.audit.RefusedChanges;
import dev.lanes.gateway.auth.ApiKeyAuthenticator;
import dev.lanes.gateway.events.EventFeed;
import dev.lanes.gateway.store.ApiKeyStore;
import dev.lanes.gateway.store.AppStore;
import dev.lanes.gateway.store.ImageRepoStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.function.Consumer;

/** Assembles the gateway's router: open endpoints, then authenticated {@code /api/v1}. */
public final class ApiRouter {

  /** The largest body the API reads; larger ones get 413. */
  public static final long MAX_BODY_BYTES = 1024 * 1024;

  /** How often an idle event stream gets a comment line, so proxies keep it open. */
  static final java.time.Duration EVENTS_HEARTBEAT = java.time.Duration.ofSeconds(15);

  /** What the routes need. */
  public record Deps(
      Database db,
      ImageRepoStore imageRepos,
      AppStore apps,
      LaneQueries lanes,
      ApiKeyStore apiKeys,
      ApiKeyAuthenticator authenticator,
      Consumer<String> keyRevoked,
      PrometheusMeterRegistry registry,
      GitNetworks git,
      Clock clock,
      BuildQueries builds,
      BuildIntake buildIntake,
      StatusWaiter waiter,
      BuildPods buildPods,
      ReleaseQueries releases,
      ReleaseIntake releaseIntake,
      AppPods runtime,
      LaneIntake laneIntake,
      EventFeed events,
      Builder defaultBuilder) {}

  private ApiRouter() {}

  /** The router and the route table of {@code /api/v1}. */
  public record Built(Router router, ApiRoutes routes) {}

  public static Built create(Vertx vertx, Deps deps) {
    Router router = Router.router(vertx);
    ApiRoutes routes = new ApiRoutes(router, new RefusedChanges(deps.db().client()));
    ProblemHandler problems = new ProblemHandler(routes::allowedMethods);
    HealthHandler health = new HealthHandler(deps.db().client());
    Buffer openApi = openApiDocument();

    router.route().handler(new RequestIds());
    router.get("/healthz").handler(health::live);
    router.get("/readyz").handler(health::ready);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(deps.registry()));
    router
        .get(ApiRoutes.BASE + "/openapi.yaml")
        .handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(openApi));

    // Everything past the open endpoints above. These routes have no path on purpose: a route
    // with a path adds itself to the route label of the HTTP metrics.
    // The body is read before the key is checked: authentication may wait for the database, and
    // a body not read by then is lost. The limit bounds what an unauthenticated caller costs.
    router
        .route()
        .handler(
            BodyHandler.create(false)
                .setBodyLimit(MAX_BODY_BYTES)
                .setHandleFileUploads(false)
                .setMergeFormAttributes(false));
    router.route().handler(deps.authenticator());

    new ImageRepoHandler(deps.imageRepos(), deps.git(), deps.defaultBuilder()).mount(routes);
    new AppHandler(deps.apps()).mount(routes);
    new LaneHandler(deps.lanes(), deps.laneIntake()).mount(routes);
    new ApiKeyHandler(deps.apiKeys(), deps.keyRevoked(), deps.clock()).mount(routes);
    new BuildHandler(
            deps.builds(),
            deps.buildIntake(),
            deps.waiter(),
            new BuildLogStream(vertx, deps.builds(), deps.buildPods()))
        .mount(routes);
    new ReleaseHandler(
            deps.releases(),
            deps.releaseIntake(),
            deps.waiter(),
            deps.runtime(),
            new AppLogStream(vertx, deps.runtime()))
        .mount(routes);

    new EventsHandler(vertx, deps.events(), EVENTS_HEARTBEAT).mount(routes);
    new DeadLetterHandler(new PgDeadLetters(deps.db().client())).mount(routes);
    new AuditHandler(new AuditQueries(deps.db().client()), deps.clock()).mount(routes);

    router.route().failureHandler(problems);
    for (int status : new int[] {400, 404, 405, 413, 415, 500}) {
      router.errorHandler(status, problems);
    }
    return new Built(router, routes);
  }

  private static Buffer openApiDocument() {
    try (InputStream in = ApiRouter.class.getResourceAsStream("/openapi.yaml")) {
      if (in == null) {
        throw new IllegalStateException("openapi.yaml is missing from the classpath");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
