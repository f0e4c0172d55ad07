package dev.lanes.common.messaging;

import dev.lanes.common.db.PgErrors;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.error.LanesException;
import dev.lanes.common.error.ServerError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of a {@link Requester}: a {@link MessageHandler} for its request channel that
 * runs the operation of each request's type and publishes the result, or the problem, on {@link
 * Channels#REPLIES}.
 *
 * <p>A request is handled once: its outcome, success or problem, is the answer, and the handler
 * succeeds even when the answer cannot be published (the requester then times out, as with any lost
 * answer) so that a change is never made twice. A request past its deadline is dropped.
 */
public final class Responder implements MessageHandler {

  private static final Logger LOG = LoggerFactory.getLogger(Responder.class);

  /** One operation: the request's body in, the result out. */
  @FunctionalInterface
  public interface Operation {
    Future<JsonObject> apply(JsonObject body);
  }

  private final Messaging messaging;
  private final String source;
  private final Map<String, Operation> operations;

  /**
   * @param source the CloudEvents source of the replies, e.g. {@code /lanes/build-service}
   * @param operations by request type
   */
  public Responder(Messaging messaging, String source, Map<String, Operation> operations) {
    this.messaging = messaging;
    this.source = source;
    this.operations = Map.copyOf(operations);
  }

  @Override
  public Future<Void> handle(Message request) {
    JsonObject data = request.data();
    String requester = data.getString(Requester.REQUESTER);
    if (requester == null) {
      return Future.failedFuture(
          new MalformedMessage(Requester.REQUESTER, "missing: a request must name its requester"));
    }
    if (expired(data)) {
      LOG.info("dropping {} {}: its requester no longer waits", request.type(), request.id());
      return Future.succeededFuture();
    }
    Operation operation = operations.get(request.type());
    Future<JsonObject> outcome =
        operation == null
            ? Future.failedFuture(
                ServerError.internal("no operation for requests of " + request.type(), null))
            : run(operation, data.getJsonObject(Requester.BODY, new JsonObject()));
    return outcome
        .map(result -> new JsonObject().put(Requester.RESULT, result))
        .otherwise(e -> new JsonObject().put(Requester.ERROR, problem(request, e)))
        .compose(answer -> reply(request, requester, answer));
  }

  private static Future<JsonObject> run(Operation operation, JsonObject body) {
    try {
      Future<JsonObject> result = operation.apply(body);
      return result != null
          ? result
          : Future.failedFuture(ServerError.internal("the operation returned nothing", null));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Void> reply(Message request, String requester, JsonObject answer) {
    answer.put(Requester.REQUESTER, requester).put(Requester.IN_REPLY_TO, request.id());
    Message reply =
        Message.of(Requester.REPLY_TYPE, source, request.id(), request.partitionKey(), answer);
    return messaging
        .publish(Channels.REPLIES, reply)
        .recover(
            e -> {
              LOG.warn(
                  "the answer to {} {} could not be published: {}",
                  request.type(),
                  request.id(),
                  e.toString());
              return Future.succeededFuture();
            });
  }

  private static boolean expired(JsonObject data) {
    try {
      String deadline = data.getString(Requester.DEADLINE);
      return deadline != null && Instant.parse(deadline).isBefore(Instant.now());
    } catch (DateTimeException | ClassCastException e) {
      return false;
    }
  }

  private static JsonObject problem(Message request, Throwable failure) {
    Throwable translated = PgErrors.translate(failure);
    LanesException e =
        translated instanceof LanesException known
            ? known
            : ServerError.internal(
                "recording the request failed on our side; quote request " + request.id(), failure);
    if (!(translated instanceof LanesException)) {
      LOG.error("{} {} failed", request.type(), request.id(), failure);
    }
    JsonArray fields = new JsonArray();
    for (FieldError f : e.fieldErrors()) {
      fields.add(new JsonObject().put("field", f.field()).put("message", f.message()));
    }
    JsonObject problem =
        new JsonObject()
            .put("code", e.code().code())
            .put("detail", e.detail())
            .put("fields", fields);
    if (e instanceof ServerError s && s.retryAfter() != null) {
      problem.put("retry_after_seconds", s.retryAfter().toSeconds());
    }
    return problem;
  }
}
