package dev.lanes.common.http;

import dev.lanes.common.db.PgErrors;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.LanesException;
import dev.lanes.common.error.Problem;
import dev.lanes.common.error.ServerError;
import dev.lanes.common.json.Json;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of every HTTP server of the platform (the gateway and the registry):
 * every failed request, whatever failed it, is answered with the contract's problem document,
 * carrying the request's id ({@link RequestIds}, which must run first). Client errors are logged
 * without stack traces, server errors once with theirs.
 */
public final class ProblemHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ProblemHandler.class);

  private final Function<String, Set<String>> allowedMethods;

  /**
   * @param allowedMethods the methods the API serves on a path, for the {@code Allow} header of 405
   */
  public ProblemHandler(Function<String, Set<String>> allowedMethods) {
    this.allowedMethods = allowedMethods;
  }

  @Override
  public void handle(RoutingContext ctx) {
    LanesException error = classify(ctx);
    HttpServerResponse response = ctx.response();
    if (response.headWritten()) {
      // a stream was already answering: all we can do is end it
      response.reset();
      return;
    }
    log(ctx, error);
    Problem problem = Problem.of(error).at(ctx.request().path(), RequestIds.of(ctx));
    response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
    if (error instanceof ServerError s && s.retryAfter() != null) {
      response.putHeader("Retry-After", Long.toString(s.retryAfter().toSeconds()));
    }
    if (error instanceof ClientError c && c.retryAfter() != null) {
      response.putHeader("Retry-After", Long.toString(Math.max(1, c.retryAfter().toSeconds())));
    }
    if (error.code() == ErrorCode.METHOD_NOT_ALLOWED) {
      response.putHeader("Allow", String.join(", ", allowedMethods.apply(ctx.request().path())));
    }
    if (error.code() == ErrorCode.UNAUTHENTICATED) {
      response.putHeader("WWW-Authenticate", "ApiKey header=\"X-API-Key\"");
    }
    response.end(Buffer.buffer(Json.write(problem)));
  }

  private LanesException classify(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof LanesException e) {
      return e;
    }
    if (failure instanceof HttpException h) {
      return fromStatus(h.getStatusCode(), ctx);
    }
    if (failure == null) {
      return fromStatus(ctx.statusCode(), ctx);
    }
    Throwable translated = PgErrors.translate(failure);
    if (translated instanceof LanesException e) {
      return e;
    }
    return ServerError.internal(
        "the request failed on our side; quote request id " + RequestIds.of(ctx), failure);
  }

  private static LanesException fromStatus(int status, RoutingContext ctx) {
    String path = ctx.request().path();
    return switch (status) {
      case 404 -> new ClientError(ErrorCode.ROUTE_NOT_FOUND, "no route " + path);
      case 405 ->
          new ClientError(
              ErrorCode.METHOD_NOT_ALLOWED,
              ctx.request().method().name() + " is not allowed on " + path);
      case 413 -> new ClientError(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than 1 MiB");
      case 415 ->
          new ClientError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send the body as application/json");
      case 400 -> new ClientError(ErrorCode.MALFORMED_JSON, "the request could not be read");
      case 401 -> new ClientError(ErrorCode.UNAUTHENTICATED, "send a valid X-API-Key");
      case 403 -> new ClientError(ErrorCode.FORBIDDEN, "this key may not do that");
      case 503 -> ServerError.unavailable(ErrorCode.SERVICE_UNAVAILABLE, "try again shortly", null);
      default ->
          status >= 400 && status < 500
              ? new ClientError(ErrorCode.VALIDATION_FAILED, "the request could not be served")
              : ServerError.internal("the request failed on our side", null);
    };
  }

  private static void log(RoutingContext ctx, LanesException error) {
    String request = ctx.request().method() + " " + ctx.request().path();
    if (error instanceof ClientError) {
      LOG.debug(
          "{} [{}] -> {} {}", request, RequestIds.of(ctx), error.code().code(), error.detail());
    } else if (error.code().status() == 503) {
      // a dependency away for a while (the database, a service): expected during an outage and
      // answered with Retry-After; one line each, not a stack trace per request
      LOG.warn(
          "{} [{}] -> {}: {} ({})",
          request,
          RequestIds.of(ctx),
          error.code().code(),
          error.detail(),
          error.getCause() == null ? "no cause" : error.getCause().toString());
    } else if (error.getCause() != null) {
      LOG.error(
          "{} [{}] -> {}: {}",
          request,
          RequestIds.of(ctx),
          error.code().code(),
          error.detail(),
          error.getCause());
    } else {
      LOG.warn(
          "{} [{}] -> {}: {}", request, RequestIds.of(ctx), error.code().code(), error.detail());
    }
  }
}
