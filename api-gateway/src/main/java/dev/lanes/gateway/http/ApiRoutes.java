package dev.lanes.gateway.http;

import dev.lanes.common.domain.Scope;
import dev.lanes.gateway.auth.ApiKeyAuthenticator;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
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
  private final List<ApiRoute> routes = new ArrayList<>();

  public ApiRoutes(Router router) {
    this.router = router;
  }

  public void add(HttpMethod method, String path, Scope scope, Handler<RoutingContext> handler) {
    ApiRoute route = new ApiRoute(method, path, scope);
    routes.add(route);
    String vertxPath = BASE + path.replaceAll("\\{([^}]+)}", ":$1");
    for (String p : List.of(vertxPath, vertxPath + "/")) {
      router.route(method, p).handler(ApiKeyAuthenticator.requireScope(scope)).handler(handler);
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
