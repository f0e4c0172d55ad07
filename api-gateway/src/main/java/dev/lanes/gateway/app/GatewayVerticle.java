package dev.lanes.gateway.app;

import dev.lanes.common.builds.BuildQueries;
import dev.lanes.common.builds.RemoteBuildIntake;
import dev.lanes.common.concurrent.Blocking;
import dev.lanes.common.crypto.SecretBox;
import dev.lanes.common.db.Database;
import dev.lanes.common.db.DbConfig;
import dev.lanes.common.http.MalformedRequests;
import dev.lanes.common.lanes.LaneQueries;
import dev.lanes.common.lanes.RemoteLaneIntake;
import dev.lanes.common.messaging.Messaging;
import dev.lanes.common.messaging.Requester;
import dev.lanes.common.net.GitNetworks;
import dev.lanes.common.pods.AppPods;
import dev.lanes.common.pods.BuildPods;
import dev.lanes.common.releases.ReleaseMessages;
import dev.lanes.common.releases.ReleaseQueries;
import dev.lanes.common.releases.RemoteReleaseIntake;
import dev.lanes.gateway.auth.ApiKeyAuthenticator;
import dev.lanes.gateway.auth.FailedAuthentications;
import dev.lanes.gateway.events.EventFeed;
import dev.lanes.gateway.http.ApiRouter;
import dev.lanes.gateway.http.StatusWaiter;
import dev.lanes.gateway.store.ApiKeyStore;
import dev.lanes.gateway.store.AppStore;
import dev.lanes.gateway.store.ImageRepoStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the REST API. Several instances share the port, one per event loop; each owns its
 * pool and its key cache, so a request never leaves its event loop.
 */
public final class GatewayVerticle extends VerticleBase {

  /** Where revocations are announced, so every instance forgets the key at once. */
  static final String KEY_REVOKED = "lanes.gateway.api-key-revoked";

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  /**
   * How long a request waits for the service that records it (a build, a release, a lane) before it
   * answers 503; longer than a database transaction under load, short enough for a client.
   */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  // pools are named per instance: Micrometer keeps one gauge per pool name
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final GatewayConfig config;
  private final DbConfig db;
  private final int poolSize;
  private final SecretBox secrets;
  private final PrometheusMeterRegistry registry;
  private final KubernetesClient kube;
  private final Messaging messaging;
  private final FailedAuthentications failures;
  private Requester requester;
  private Database database;
  private EventFeed events;
  private Blocking blocking;
  private HttpServer server;

  public GatewayVerticle(
      GatewayConfig config,
      DbConfig db,
      int poolSize,
      SecretBox secrets,
      PrometheusMeterRegistry registry,
      KubernetesClient kube,
      Messaging messaging,
      FailedAuthentications failures) {
    this.config = config;
    this.failures = failures;
    this.messaging = messaging;
    this.kube = kube;
    this.db = db;
    this.poolSize = poolSize;
    this.secrets = secrets;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    database = Database.create(vertx, db, poolSize, "gateway-" + INSTANCES.incrementAndGet());
    ApiKeyStore keys = new ApiKeyStore(database);
    requester = new Requester(vertx, messaging, ReleaseMessages.GATEWAY, REQUEST_TIMEOUT);
    events = new EventFeed(vertx, database, db.connectOptions(), Duration.ofSeconds(1));
    ApiKeyAuthenticator authenticator =
        new ApiKeyAuthenticator(keys, config.authCacheTtl(), Clock.systemUTC(), failures);
    vertx.eventBus().<String>localConsumer(KEY_REVOKED, m -> authenticator.invalidate(m.body()));
    ApiRouter.Deps deps =
        new ApiRouter.Deps(
            database,
            new ImageRepoStore(database, secrets),
            new AppStore(database, secrets),
            new LaneQueries(database),
            keys,
            authenticator,
            id -> vertx.eventBus().publish(KEY_REVOKED, id),
            registry,
            GitNetworks.of(config.gitAllowedNetworks(), config.allowLocalGit()),
            Clock.systemUTC(),
            new BuildQueries(database),
            new RemoteBuildIntake(requester),
            new StatusWaiter(vertx),
            buildPods(),
            new ReleaseQueries(database),
            new RemoteReleaseIntake(requester),
            runtime(),
            new RemoteLaneIntake(requester),
            events,
            config.defaultBuilder());
    return events
        .start()
        .compose(started -> requester.start())
        .compose(
            started ->
                MalformedRequests.install(
                        vertx.createHttpServer(
                            new HttpServerOptions()
                                .setHost(config.http().bindAddress())
                                .setPort(config.http().port())
                                .setCompressionSupported(true)
                                .setTcpNoDelay(true)),
                        ApiRouter.create(vertx, deps).router())
                    .listen()
                    .onSuccess(s -> server = s)
                    .onSuccess(s -> LOG.debug("gateway instance listening on {}", s.actualPort())));
  }

  /** The build pods of the cluster, or {@code null} without one: then only saved logs answer. */
  private BuildPods buildPods() {
    return kube == null ? null : new BuildPods(kube, config.buildNamespace(), blocking());
  }

  /** The apps' pods in the cluster, or {@code null} without one. */
  private AppPods runtime() {
    return kube == null ? null : new AppPods(kube, config.deployNamespace(), blocking());
  }

  private Blocking blocking() {
    if (blocking == null) {
      blocking = new Blocking(vertx, "lanes-gateway-io", 8);
    }
    return blocking;
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = blocking == null ? Future.succeededFuture() : blocking.close();
    if (requester != null) {
      closed = closed.eventually(requester::stop);
    }
    if (events != null) {
      closed = closed.eventually(events::stop);
    }
    return closed.eventually(() -> database == null ? Future.succeededFuture() : database.close());
  }

  /** The port this instance listens on (the OS's choice when configured with 0). */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
