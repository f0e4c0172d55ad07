package dev.lanes.release.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * release-service: applies a Deployment and Service per lane and tracks rollouts. The work arrives
 * with the releases issue; this verticle starts the service in its place.
 */
public final class ReleaseServiceVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ReleaseServiceVerticle.class);

  private final ReleaseServiceConfig config;

  public ReleaseServiceVerticle(ReleaseServiceConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    LOG.info(
        "release-service started: namespace {}, rollout timeout {}",
        config.namespace(),
        config.timeout());
    return Future.succeededFuture();
  }
}
