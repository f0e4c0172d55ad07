package dev.lanes.build.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * build-service: turns build commands into Kaniko Jobs and Job status into build status. The
 * pipeline arrives with the builds issue; this verticle starts the service in its place.
 */
public final class BuildServiceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(BuildServiceVerticle.class);

  private final BuildServiceConfig config;

  public BuildServiceVerticle(BuildServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    LOG.info(
        "build-service started: namespace {}, at most {} builds at once",
        config.namespace(),
        config.concurrency());
    return Future.succeededFuture();
  }
}
