package dev.lanes.registry.http;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.LanesException;
import dev.lanes.common.error.Problem;
import dev.lanes.common.error.ServerError;
import dev.lanes.common.json.Json;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers every failed registry request with the platform's problem document. */
final class RegistryProblems implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryProblems.class);

  @Override
  public void handle(RoutingContext ctx) {
    LanesException error = classify(ctx);
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      response.reset();
      return;
    }
    if (error instanceof ServerError && error.getCause() != null) {
      LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), error.getCause());
    }
    Problem problem = Problem.of(error).at(ctx.request().path(), null);
    response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
    if (error instanceof ServerError s && s.retryAfter() != null) {
      response.putHeader("Retry-After", Long.toString(s.retryAfter().toSeconds()));
    }
    if (error.code() == ErrorCode.METHOD_NOT_ALLOWED) {
      response.putHeader("Allow", "GET");
    }
    response.end(io.vertx.core.buffer.Buffer.buffer(Json.write(problem)));
  }

  private static LanesException classify(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof LanesException e) {
      return e;
    }
    int status = failure instanceof HttpException h ? h.getStatusCode() : ctx.statusCode();
    String path = ctx.request().path();
    if (failure == null || failure instanceof HttpException) {
      if (status == 404) {
        return new ClientError(ErrorCode.ROUTE_NOT_FOUND, "no route " + path);
      }
      if (status == 405) {
        return new ClientError(
            ErrorCode.METHOD_NOT_ALLOWED, ctx.request().method().name() + " is not allowed");
      }
    }
    return ServerError.internal("the request failed on our side", failure);
  }
}
