package dev.lanes.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lanes.gateway.IntakeOwners;
import dev.lanes.gateway.TestGateway;
import dev.lanes.gateway.TestGateway.Response;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Live answers of every route against the OpenAPI document: each operation is called on a running
 * gateway, happily and with the errors a careless client makes (no key, a read key on a write, an
 * unknown name, a bad body, a wrong media type, a body too large, a bad limit), and every answer's
 * status must be one the document lists for that operation, its media type the one documented, and
 * its body valid against the documented schema.
 */
class OpenApiLiveAnswersTest {

  private static final String API = "/api/v1";
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  private static TestGateway gateway;
  private static JsonObject document;
  private static String readKey;
  private static String releaseId;
  private static String buildId;
  private static final List<String> mismatches = new ArrayList<>();
  private static final Map<String, Set<Integer>> seen = new TreeMap<>();

  @BeforeAll
  static void start() throws Exception {
    try (InputStream in = OpenApiLiveAnswersTest.class.getResourceAsStream("/openapi.yaml")) {
      document =
          new JsonObject(
              new ObjectMapper()
                  .writeValueAsString(new ObjectMapper(new YAMLFactory()).readTree(in)));
    }
    // every operation is also called without a key: the limit on failed authentications would
    // answer the later ones 429 instead of the 401 this test checks
    gateway = TestGateway.start(Map.of("AUTH_FAILURE_LIMIT", "1000000"), new IntakeOwners());
    ok(
        gateway.post(
            API + "/image-repos",
            new JsonObject()
                .put("name", "web")
                .put("registry", "registry.local/web")
                .put("git_repo", "team/web")));
    ok(
        gateway.post(
            API + "/apps",
            new JsonObject().put("name", "web").put("image_repo", "web").put("port", 8080)));
    ok(gateway.post(API + "/lanes", new JsonObject().put("name", "dev")));
    readKey =
        gateway
            .post(
                API + "/api-keys",
                new JsonObject().put("name", "reader").put("scopes", new JsonArray().add("read")))
            .data()
            .getString("key");
    buildId = UUID.randomUUID().toString();
    gateway.sql(
        "insert into builds (id, app, image_repo, git_ref, commit, tag, image, status) values ('"
            + buildId
            + "', 'web', 'web', 'main', 'abc1234"
            + "0".repeat(33)
            + "', 'abc1234', 'registry.local/web:abc1234', 'succeeded')");
    releaseId =
        ok(gateway.post(
                API + "/releases",
                new JsonObject().put("app", "web").put("lane", "dev").put("tag", "abc1234")))
            .data()
            .getString("id");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static Response ok(Response r) {
    assertThat(r.status()).as(r.raw().toString()).isBetween(200, 299);
    return r;
  }

  @Test
  void everyAnswerIsOneTheDocumentGivesForItsOperation() {
    String app = API + "/apps/web";
    String build = app + "/builds/" + buildId;
    String release = API + "/releases/" + releaseId;
    // happy paths, the deletes on resources of their own
    get(API + "/image-repos");
    get(API + "/image-repos/web");
    put(API + "/image-repos/web", "{\"dockerfile\": \"Dockerfile\"}");
    get(API + "/apps");
    get(app);
    put(app, "{\"envs\": {\"A\": \"1\"}}");
    post(app + "/builds", "{\"git_ref\": \"main\"}");
    get(app + "/builds");
    get(app + "/builds/latest");
    get(build);
    post(build + "/cancel", null);
    get(build + "/logs");
    get(app + "/logs?lane=dev");
    get(API + "/releases?app=web");
    get(release);
    put(release, "{\"replicas\": 2}");
    get(release + "/history");
    post(release + "/rollback", "{\"revision\": 1}");
    get(release + "/status");
    get(API + "/lanes");
    get(API + "/lanes/dev");
    get(API + "/api-keys");
    get(API + "/dead-letters");
    post(API + "/lanes", "{\"name\": \"tmp\"}");
    delete(API + "/lanes/tmp");
    post(API + "/image-repos", "{\"name\": \"tmp\", \"registry\": \"r/t\", \"git_repo\": \"t/t\"}");
    post(API + "/apps", "{\"name\": \"tmp\", \"image_repo\": \"tmp\", \"port\": 0}");
    delete(API + "/apps/tmp");
    delete(API + "/image-repos/tmp");
    String key =
        post(API + "/api-keys", "{\"name\": \"tmp\", \"scopes\": [\"read\"]}")
            .data()
            .getString("id");
    get(API + "/api-keys/" + key);
    delete(API + "/api-keys/" + key);
    delete(API + "/releases?app=web&lane=dev");
    delete(release);
    // the release is being undeployed now: a change or a rollback of it is a conflict
    put(release, "{\"replicas\": 1}");
    post(release + "/rollback", "{\"revision\": 1}");
    call(HttpMethod.GET, "/healthz", null, null, null);
    call(HttpMethod.GET, "/readyz", null, null, null);
    call(HttpMethod.GET, "/metrics", null, null, null);
    call(HttpMethod.GET, API + "/openapi.yaml", null, null, null);

    for (Operation op : operations()) {
      errors(op);
    }

    assertThat(mismatches).as(String.join("\n", mismatches)).isEmpty();
    for (Operation op : operations()) {
      assertThat(seen.get(op.key())).as("answers seen for %s", op.key()).isNotEmpty();
      if (op.path().startsWith(API) && !op.path().endsWith("openapi.yaml")) {
        assertThat(seen.get(op.key()))
            .as("%s answered at least one documented error", op.key())
            .anyMatch(s -> s >= 400);
      }
    }
  }

  /** The mistakes a client can make on {@code op}, each answer checked against the document. */
  private void errors(Operation op) {
    if (!op.path().startsWith(API) || op.path().endsWith("openapi.yaml")) {
      return;
    }
    HttpMethod method = HttpMethod.valueOf(op.method().toUpperCase());
    String path = concrete(op.path(), false);
    boolean body = op.spec().containsKey("requestBody");
    Buffer json = body ? Buffer.buffer("{}") : null;
    String type = body ? "application/json" : null;
    call(method, path, null, type, json);
    String scope = op.spec().getString("x-scope");
    if (!"read".equals(scope)) {
      call(method, path, readKey, type, json);
    }
    if (op.path().contains("{")) {
      call(method, concrete(op.path(), true), TestGateway.ADMIN_KEY, type, json);
    }
    if (body) {
      call(method, path, TestGateway.ADMIN_KEY, "application/json", Buffer.buffer("{\"name\":"));
      call(method, path, TestGateway.ADMIN_KEY, "text/plain", Buffer.buffer("x"));
      call(
          method,
          path,
          TestGateway.ADMIN_KEY,
          "application/json",
          Buffer.buffer("{\"description\": \"" + "x".repeat(1_100_000) + "\"}"));
    }
    if (method == HttpMethod.GET && parameters(op).contains("limit")) {
      call(method, path + "?limit=0", TestGateway.ADMIN_KEY, null, null);
    }
  }

  /** A path of the template: the fixtures' names, or names that do not exist. */
  private static String concrete(String template, boolean unknown) {
    String ghost = UUID.randomUUID().toString();
    return template
        .replace("{repo}", unknown ? "ghost" : "web")
        .replace("{app}", unknown ? "ghost" : "web")
        .replace("{lane}", unknown ? "ghost" : "dev")
        .replace("{id}", unknown ? ghost : template.contains("/builds/") ? buildId : releaseId);
  }

  private static Response get(String path) {
    return call(HttpMethod.GET, path, TestGateway.ADMIN_KEY, null, null);
  }

  private static Response put(String path, String json) {
    return call(
        HttpMethod.PUT, path, TestGateway.ADMIN_KEY, "application/json", Buffer.buffer(json));
  }

  private static Response post(String path, String json) {
    return call(
        HttpMethod.POST,
        path,
        TestGateway.ADMIN_KEY,
        json == null ? null : "application/json",
        json == null ? null : Buffer.buffer(json));
  }

  private static Response delete(String path) {
    return call(HttpMethod.DELETE, path, TestGateway.ADMIN_KEY, null, null);
  }

  private static Response call(
      HttpMethod method, String path, String key, String contentType, Buffer body) {
    Response r = gateway.call(method, path, key, contentType, body);
    Operation op = operation(method, path);
    if (op != null) {
      seen.computeIfAbsent(op.key(), k -> new TreeSet<>()).add(r.status());
    }
    mismatch(op, method, path, r).ifPresent(mismatches::add);
    return r;
  }

  /**
   * How {@code r} differs from what the document gives for {@code op} and its status, if it does.
   */
  private static Optional<String> mismatch(
      Operation op, HttpMethod method, String path, Response r) {
    String what = method + " " + path + " -> " + r.status();
    if (op == null) {
      return Optional.of(what + ": no documented operation");
    }
    JsonObject response =
        resolve(op.spec().getJsonObject("responses").getJsonObject("" + r.status()));
    if (response == null) {
      return Optional.of(what + ": status not documented for " + op.key() + ": " + r.raw());
    }
    for (String header : response.getJsonObject("headers", new JsonObject()).fieldNames()) {
      JsonObject spec = resolve(response.getJsonObject("headers").getJsonObject(header));
      if (spec.getBoolean("required", false) && r.header(header) == null) {
        return Optional.of(what + ": no " + header + " header, which the document requires");
      }
    }
    return bodyMismatch(what, response.getJsonObject("content", new JsonObject()), r);
  }

  private static Optional<String> bodyMismatch(String what, JsonObject content, Response r) {
    boolean hasBody = r.raw() != null && r.raw().length() > 0;
    if (content.isEmpty()) {
      return hasBody
          ? Optional.of(what + ": a body where the document gives none: " + r.raw())
          : Optional.empty();
    }
    String type = r.header("Content-Type") == null ? "" : r.header("Content-Type").split(";")[0];
    JsonObject media = content.getJsonObject(type.trim());
    if (media == null) {
      return Optional.of(what + ": media type " + type + " not among " + content.fieldNames());
    }
    JsonObject schema = media.getJsonObject("schema");
    if (schema == null || !type.endsWith("json")) {
      return Optional.empty();
    }
    OutputUnit result = validator(schema).validate(r.raw().toJsonValue());
    return result.getValid()
        ? Optional.empty()
        : Optional.of(
            what + ": body does not match the schema: " + result.getErrors() + " " + r.raw());
  }

  private static Validator validator(JsonObject schema) {
    return Validator.create(
        JsonSchema.of((JsonObject) inline(schema)),
        new JsonSchemaOptions()
            .setDraft(Draft.DRAFT202012)
            .setBaseUri("https://lanes.dev/")
            .setOutputFormat(OutputFormat.Basic));
  }

  /** The schema with the document's local {@code $ref}s replaced by what they point at. */
  private static Object inline(Object node) {
    if (node instanceof JsonObject o) {
      if (o.containsKey("$ref")) {
        return inline(resolve(o).copy());
      }
      JsonObject out = new JsonObject();
      o.forEach(e -> out.put(e.getKey(), inline(e.getValue())));
      return out;
    }
    if (node instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      a.forEach(v -> out.add(inline(v)));
      return out;
    }
    return node;
  }

  private static JsonObject resolve(JsonObject maybeRef) {
    if (maybeRef == null || !maybeRef.containsKey("$ref")) {
      return maybeRef;
    }
    JsonObject at = document;
    for (String part : maybeRef.getString("$ref").substring(2).split("/")) {
      at = at.getJsonObject(part);
    }
    return at;
  }

  /** One operation of the document. */
  private record Operation(String method, String path, JsonObject spec) {
    String key() {
      return method.toUpperCase() + " " + path;
    }
  }

  private static List<Operation> operations() {
    List<Operation> ops = new ArrayList<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          ops.add(new Operation(method, path, paths.getJsonObject(path).getJsonObject(method)));
        }
      }
    }
    return ops;
  }

  private static Set<String> parameters(Operation op) {
    Set<String> names = new TreeSet<>();
    JsonArray params = op.spec().getJsonArray("parameters", new JsonArray());
    for (int i = 0; i < params.size(); i++) {
      JsonObject p = resolve(params.getJsonObject(i));
      names.add(p.getString("name"));
    }
    return names;
  }

  /** The documented operation of a concrete request: literal segments win over parameters. */
  private static Operation operation(HttpMethod method, String path) {
    String bare = path.split("\\?")[0];
    if (bare.length() > 1 && bare.endsWith("/")) {
      bare = bare.substring(0, bare.length() - 1);
    }
    Operation best = null;
    int bestLiteral = -1;
    for (Operation op : operations()) {
      if (!op.method().equalsIgnoreCase(method.name())) {
        continue;
      }
      Pattern p = Pattern.compile(op.path().replaceAll("\\{[^}]+}", "[^/]+").replace(".", "\\."));
      int literal = op.path().replaceAll("\\{[^}]+}", "").length();
      if (p.matcher(bare).matches() && literal > bestLiteral) {
        best = op;
        bestLiteral = literal;
      }
    }
    return best;
  }
}
