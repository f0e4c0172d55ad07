package dev.lanes.gateway;

import dev.lanes.common.config.ConfigReader;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.db.Migrations;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.eventbus.EventBusMessaging;
import dev.lanes.common.metrics.LanesVertx;
import dev.lanes.gateway.app.Gateway;
import dev.lanes.gateway.app.GatewayConfig;
import dev.lanes.testkit.TestPostgres;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real gateway on a fresh database and a free port, with a client to call it over HTTP. One per
 * test class; tests read its database directly to prove what was (not) written.
 *
 * <p>The gateway records builds, releases and lanes by asking their owners over the event bus; on
 * its own (this module's tests) nobody answers and those routes say 503. Tests of those routes run
 * where the owners are (the platform module) and pass {@link Owners} that answer.
 */
public final class TestGateway implements AutoCloseable {

  /** The services that answer the gateway's requests, started beside it on the same event bus. */
  @FunctionalInterface
  public interface Owners {
    Future<?> start(Vertx vertx, Messaging messaging, DbConfig db);

    /** Nobody answers: what the gateway does while its owners are down. */
    Owners NONE = (vertx, messaging, db) -> Future.succeededFuture();
  }

  public static final String ADMIN_KEY = "test-admin-token-0123456789";

  /** An answer: status, headers and the body as JSON (or {@code null} when it is not). */
  public record Response(int status, MultiMap headers, Buffer raw) {
    public JsonObject json() {
      return raw == null || raw.length() == 0 ? null : new JsonObject(raw);
    }

    public JsonObject data() {
      return json().getJsonObject("data");
    }

    public JsonArray list() {
      return json().getJsonArray("data");
    }

    public String code() {
      return json().getString("code");
    }

    public String header(String name) {
      return headers.get(name);
    }
  }

  public final Vertx vertx;
  public final Pool pool;
  public final DbConfig db;

  /** The messaging the gateway asks its owners on, for tests that send or receive beside it. */
  public final Messaging messaging;

  private final WebClient client;
  private final int port;

  private TestGateway(
      Vertx vertx, Pool pool, DbConfig db, Messaging messaging, WebClient client, int port) {
    this.vertx = vertx;
    this.pool = pool;
    this.db = db;
    this.messaging = messaging;
    this.client = client;
    this.port = port;
  }

  public static TestGateway start() {
    return start(Map.of());
  }

  /** A gateway configured as by {@code env} on top of the test defaults. */
  public static TestGateway start(Map<String, String> env) {
    return start(env, Owners.NONE);
  }

  /** A gateway configured as by {@code env}, whose requests {@code owners} answer. */
  public static TestGateway start(Map<String, String> env, Owners owners) {
    return startOn(newDatabase(), env, null, owners);
  }

  /** A fresh, migrated database. */
  public static DbConfig newDatabase() {
    TestPostgres.Database database = TestPostgres.newDatabase();
    DbConfig db =
        DbConfig.local(database.host(), database.port(), database.name(), database.user(), 4);
    Migrations.migrate(db);
    return db;
  }

  /** A gateway on an existing, migrated database. */
  public static TestGateway startOn(DbConfig db, Map<String, String> env) {
    return startOn(db, env, null, Owners.NONE);
  }

  /**
   * A gateway on an existing database that streams build logs from {@code kube} (or {@code null})
   * and whose requests {@code owners} answer.
   */
  public static TestGateway startOn(
      DbConfig db, Map<String, String> env, KubernetesClient kube, Owners owners) {
    Map<String, String> all = new HashMap<>();
    all.put("HTTP_PORT", "0");
    all.put("BIND_ADDRESS", "127.0.0.1");
    all.put("HTTP_INSTANCES", "1");
    all.put("API_TOKEN", ADMIN_KEY);
    all.put("LANES_SECRET_KEY", SecretBox.newKey());
    all.putAll(env);
    ConfigReader reader = new ConfigReader(all);
    GatewayConfig config = GatewayConfig.from(reader);
    reader.done();
    LanesVertx.Instance instance = LanesVertx.create();
    Messaging messaging = new EventBusMessaging(instance.vertx(), Duration.ofSeconds(5));
    owners.start(instance.vertx(), messaging, db).timeout(30, TimeUnit.SECONDS).await();
    Gateway.Started started =
        Gateway.deploy(instance.vertx(), instance.registry(), config, db, kube, messaging)
            .timeout(30, TimeUnit.SECONDS)
            .await();
    WebClient client =
        WebClient.create(
            instance.vertx(),
            new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(started.port()));
    Pool pool = Database.pool(instance.vertx(), db, 2, "test");
    return new TestGateway(instance.vertx(), pool, db, messaging, client, started.port());
  }

  public int port() {
    return port;
  }

  public Response get(String path) {
    return call(HttpMethod.GET, path, ADMIN_KEY, null, null);
  }

  public Response post(String path, Object json) {
    return call(HttpMethod.POST, path, ADMIN_KEY, "application/json", body(json));
  }

  public Response put(String path, Object json) {
    return call(HttpMethod.PUT, path, ADMIN_KEY, "application/json", body(json));
  }

  public Response delete(String path) {
    return call(HttpMethod.DELETE, path, ADMIN_KEY, null, null);
  }

  /** Any request: {@code key} and {@code contentType} may be {@code null} to leave them out. */
  public Response call(
      HttpMethod method, String path, String key, String contentType, Buffer body) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (key != null) {
      request.putHeader("X-API-Key", key);
    }
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    HttpResponse<Buffer> response =
        (body == null ? request.send() : request.sendBuffer(body))
            .timeout(30, TimeUnit.SECONDS)
            .await();
    return new Response(response.statusCode(), response.headers(), response.body());
  }

  /** Any request with these headers; {@code key} and {@code body} may be {@code null}. */
  public Response send(
      HttpMethod method, String path, String key, Map<String, String> headers, Object json) {
    HttpRequest<Buffer> request = client.request(method, path);
    if (key != null) {
      request.putHeader("X-API-Key", key);
    }
    headers.forEach(request::putHeader);
    if (json != null) {
      request.putHeader("Content-Type", "application/json");
    }
    HttpResponse<Buffer> response =
        (json == null ? request.send() : request.sendBuffer(body(json)))
            .timeout(30, TimeUnit.SECONDS)
            .await();
    return new Response(response.statusCode(), response.headers(), response.body());
  }

  /** A request with the admin key and one more header. */
  public Response callWithHeaders(HttpMethod method, String path, String header, String value) {
    HttpResponse<Buffer> response =
        client
            .request(method, path)
            .putHeader("X-API-Key", ADMIN_KEY)
            .putHeader(header, value)
            .send()
            .timeout(30, TimeUnit.SECONDS)
            .await();
    return new Response(response.statusCode(), response.headers(), response.body());
  }

  private static Buffer body(Object json) {
    if (json instanceof String s) {
      return Buffer.buffer(s);
    }
    if (json instanceof JsonObject o) {
      return o.toBuffer();
    }
    return JsonObject.mapFrom(json).toBuffer();
  }

  /** Rows in {@code table}, read straight from the database. */
  public long count(String table) {
    return pool.query("select count(*) from " + table)
        .execute()
        .timeout(30, TimeUnit.SECONDS)
        .await()
        .iterator()
        .next()
        .getLong(0);
  }

  /** Runs SQL straight against the database, e.g. to set up a state the API cannot reach yet. */
  public void sql(String statement) {
    pool.query(statement).execute().timeout(30, TimeUnit.SECONDS).await();
  }

  @Override
  public void close() {
    vertx.close().timeout(30, TimeUnit.SECONDS).await();
  }
}
