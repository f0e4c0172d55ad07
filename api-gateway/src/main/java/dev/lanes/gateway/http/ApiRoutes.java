package dev.lanes.gateway.http;

import dev.lanes.common.audit.AuditAction;
import dev.lanes.common.domain.Scope;
import dev.lanes.gateway.audit.RefusedChanges;
import dev.lanes.gateway.auth.ApiKeyAuthenticator;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The routes of {@code /api/v1}, each with the scope it needs. Routes are written as in OpenAPI
 * ({@code /apps/{app}}), answer with and without a trailing slash, and are listed by {@link
 * #routes()} so a test can hold the OpenAPI document to them.
 */
public final class ApiRoutes {

  public static final String BASE = "/api/v1";

  /** One route: method, OpenAPI path under the base, and the scope it needs. */
  public record ApiRoute(HttpMethod method, String path, Scope scope) {

    /** The full OpenAPI path, e.g. {@code /api/v1/apps/{app}}. */
    public String fullPath() {
      return BASE + path;
    }

    Pattern pattern() {
      return Pattern.compile(BASE + path.replaceAll("\\{[^}]+}", "[^/]+") + "/?");
    }
  }

  private final Router router;
  private final RefusedChanges refused;
  private final List<ApiRoute> routes = new ArrayList<>();

  /**
   * @param refused records the changes asked for on {@link #change} routes and not made
   */
  public ApiRoutes(Router router, RefusedChanges refused) {
    this.router = router;
    this.refused = refused;
  }

  /** A route that changes nothing: it is not audited. */
  public void add(HttpMethod method, String path, Scope scope, Handler<RoutingContext> handler) {
    mount(method, path, scope, null, handler);
  }

  /**
   * A route that changes something. Its handler records the change in the audit log with the change
   * itself; a refusal (a 403 for the scope included) is recorded here.
   *
   * @param idParam the path parameter naming the changed resource; {@code null} for a create
   */
  public void change(
      HttpMethod method,
      String path,
      Scope scope,
      AuditAction action,
      String idParam,
      Handler<RoutingContext> handler) {
    mount(method, path, scope, refused.watch(action, idParam), handler);
  }

  private void mount(
      HttpMethod method,
      String path,
      Scope scope,
      Handler<RoutingContext> audit,
      Handler<RoutingContext> handler) {
    ApiRoute route = new ApiRoute(method, path, scope);
    routes.add(route);
    String vertxPath = BASE + path.replaceAll("\\{([^}]+)}", ":$1");
    for (String p : List.of(vertxPath, vertxPath + "/")) {
      Route r = router.route(method, p);
      if (audit != null) {
        r.handler(audit);
      }
      r.handler(ApiKeyAuthenticator.requireScope(scope)).handler(handler);
    }
  }

  public List<ApiRoute> routes() {
    return List.copyOf(routes);
  }

  /** The methods served on {@code path}, for the {@code Allow} header of a 405. */
  public Set<String> allowedMethods(String path) {
    Set<String> out = new TreeSet<>();
    for (ApiRoute r : routes) {
      if (r.pattern().matcher(path).matches()) {
        out.add(r.method().name());
      }
    }
    return out;
  }
}
