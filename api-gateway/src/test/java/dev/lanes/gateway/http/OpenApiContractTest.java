package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lanes.common.builds.BuildIntake;
import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.lanes.LaneIntake;
import dev.lanes.common.lanes.LaneQueries;
import dev.lanes.common.releases.ReleaseIntake;
import dev.lanes.common.releases.ReleaseQueries;
import dev.lanes.gateway.auth.ApiKeyAuthenticator;
import dev.lanes.gateway.store.ApiKeyStore;
import dev.lanes.gateway.store.AppStore;
import dev.lanes.gateway.store.ImageRepoStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The OpenAPI document served at /api/v1/openapi.yaml describes exactly the routes served. */
class OpenApiContractTest {

  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options");

  @Test
  void documentsEveryRouteAndNoOther() throws Exception {
    JsonNode doc = document();
    Set<String> documented = new TreeSet<>();
    Map<String, String> documentedScopes = new java.util.TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      if (!path.getKey().startsWith(ApiRoutes.BASE) || path.getKey().endsWith("/openapi.yaml")) {
        continue;
      }
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        String method = methods.next();
        if (HTTP_METHODS.contains(method)) {
          String key = method.toUpperCase() + " " + path.getKey();
          documented.add(key);
          JsonNode scope = path.getValue().get(method).get("x-scope");
          documentedScopes.put(key, scope == null ? null : scope.asText());
        }
      }
    }

    Set<String> served = new TreeSet<>();
    Map<String, String> servedScopes = new java.util.TreeMap<>();
    for (ApiRoutes.ApiRoute route : servedRoutes()) {
      String key = route.method().name() + " " + route.fullPath();
      served.add(key);
      servedScopes.put(key, route.scope().value());
    }

    assertThat(documented).isEqualTo(served);
    assertThat(documentedScopes).isEqualTo(servedScopes);
  }

  @Test
  void isAnOpenApi31DocumentWithTheApiKeyScheme() throws Exception {
    JsonNode doc = document();
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    JsonNode scheme = doc.at("/components/securitySchemes/apiKey");
    assertThat(scheme.get("in").asText()).isEqualTo("header");
    assertThat(scheme.get("name").asText()).isEqualTo("X-API-Key");
  }

  private static JsonNode document() throws Exception {
    try (InputStream in = OpenApiContractTest.class.getResourceAsStream("/openapi.yaml")) {
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    }
  }

  private static java.util.List<ApiRoutes.ApiRoute> servedRoutes() {
    Vertx vertx = Vertx.vertx();
    try {
      Database db =
          Database.create(vertx, DbConfig.local("127.0.0.1", 1, "none", "none", 1), 1, "unused");
      ApiKeyStore keys = new ApiKeyStore(db);
      Clock clock = Clock.systemUTC();
      ApiRouter.Built built =
          ApiRouter.create(
              vertx,
              new ApiRouter.Deps(
                  db,
                  new ImageRepoStore(db, SecretBox.fromBase64(SecretBox.newKey())),
                  new AppStore(db, SecretBox.fromBase64(SecretBox.newKey())),
                  new LaneQueries(db),
                  keys,
                  new ApiKeyAuthenticator(
                      keys,
                      Duration.ofSeconds(1),
                      clock,
                      new dev.lanes.gateway.auth.FailedAuthentications(
                          20, clock, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))),
                  id -> {},
                  new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                  dev.lanes.common.net.GitNetworks.of(java.util.List.of(), false),
                  clock,
                  new BuildQueries(db),
                  (BuildIntake) null, // only the routes are looked at: nothing is recorded
                  new StatusWaiter(vertx),
                  null,
                  new ReleaseQueries(db),
                  (ReleaseIntake) null,
                  null,
                  (LaneIntake) null,
                  new dev.lanes.gateway.events.EventFeed(
                      vertx,
                      db,
                      DbConfig.local("127.0.0.1", 1, "none", "none", 1).connectOptions(),
                      Duration.ofSeconds(1)),
                  dev.lanes.common.domain.Builder.KANIKO));
      // every concrete /api/v1 route of the router is one of the listed routes
      Set<String> listed = new TreeSet<>();
      built
          .routes()
          .routes()
          .forEach(r -> listed.add(r.fullPath().replaceAll("\\{([^}]+)}", ":$1")));
      for (Route route : built.router().getRoutes()) {
        String path = route.getPath();
        if (path != null
            && path.startsWith(ApiRoutes.BASE)
            && !path.endsWith("/")
            && !path.endsWith("openapi.yaml")) {
          assertThat(listed).contains(path);
        }
      }
      return built.routes().routes();
    } finally {
      vertx.close().timeout(30, TimeUnit.SECONDS).await();
    }
  }
}
