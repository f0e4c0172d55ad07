package dev.lanes.common.messaging;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.error.ServerError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Asks the owner of some data to change it and waits for the answer: a request is a command on the
 * owner's request channel, and the owner's {@link Responder} publishes the answer on {@link
 * Channels#REPLIES}, which every requester receives and each matches to the requests it waits for.
 * Built on {@link Messaging} alone, so it works on every transport.
 *
 * <p>A request that is not answered within its timeout fails with {@code service_unavailable} (503,
 * try again); it also carries that deadline, and a responder that reaches it later drops it instead
 * of doing what nobody waits for any more.
 */
public final class Requester {

  static final String REPLY_TYPE = "dev.lanes.reply";
  static final String REQUESTER = "requester";
  static final String DEADLINE = "deadline";
  static final String BODY = "body";
  static final String IN_REPLY_TO = "in_reply_to";
  static final String RESULT = "result";
  static final String ERROR = "error";

  private final Vertx vertx;
  private final Messaging messaging;
  private final String source;
  private final Duration timeout;
  private final String id = UUID.randomUUID().toString();
  private final Map<String, Promise<JsonObject>> waiting = new ConcurrentHashMap<>();
  private Subscription replies;

  /**
   * @param source the CloudEvents source of the requests, e.g. {@code /lanes/api-gateway}
   */
  public Requester(Vertx vertx, Messaging messaging, String source, Duration timeout) {
    this.vertx = vertx;
    this.messaging = messaging;
    this.source = source;
    this.timeout = timeout;
  }

  /** Starts receiving replies; requests may be sent once this succeeds. */
  public Future<Void> start() {
    return messaging
        .subscribe(Channels.REPLIES, this::onReply)
        .onSuccess(s -> replies = s)
        .mapEmpty();
  }

  public Future<Void> stop() {
    waiting
        .values()
        .forEach(p -> p.tryFail(unavailable("the requester stopped before an answer came")));
    waiting.clear();
    return replies == null ? Future.succeededFuture() : replies.cancel();
  }

  /**
   * Sends a request of {@code type} on {@code channel} and answers the owner's result, or fails
   * with the owner's problem ({@link ClientError} for a 4xx, {@link ServerError} otherwise).
   *
   * @param key keeps one app's requests in order, as its commands are
   */
  public Future<JsonObject> request(String channel, String type, String key, JsonObject body) {
    Instant deadline = Instant.now().plus(timeout);
    Message request =
        Message.of(
            type,
            source,
            key,
            key,
            new JsonObject().put(REQUESTER, id).put(DEADLINE, deadline.toString()).put(BODY, body));
    Promise<JsonObject> answer = Promise.promise();
    waiting.put(request.id(), answer);
    long timer =
        vertx.setTimer(
            timeout.toMillis(),
            t -> {
              if (waiting.remove(request.id()) != null) {
                answer.tryFail(
                    unavailable(
                        "no answer to "
                            + type
                            + " within "
                            + timeout.toSeconds()
                            + " s; the service that records it may be down"));
              }
            });
    messaging
        .send(channel, request)
        .onFailure(
            e -> {
              if (waiting.remove(request.id()) != null) {
                answer.tryFail(unavailable("the request could not be sent: " + e.getMessage()));
              }
            });
    return answer.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private Future<Void> onReply(Message reply) {
    JsonObject data = reply.data();
    if (!id.equals(data.getString(REQUESTER))) {
      return Future.succeededFuture();
    }
    Promise<JsonObject> answer = waiting.remove(data.getString(IN_REPLY_TO, ""));
    if (answer == null) {
      return Future.succeededFuture(); // timed out already, or a redelivered reply
    }
    JsonObject error = data.getJsonObject(ERROR);
    if (error == null) {
      answer.tryComplete(data.getJsonObject(RESULT, new JsonObject()));
    } else {
      answer.tryFail(problem(error));
    }
    return Future.succeededFuture();
  }

  private static RuntimeException problem(JsonObject error) {
    ErrorCode code = codeOf(error.getString("code"));
    String detail = error.getString("detail", code.title());
    if (code.isClientError()) {
      List<FieldError> fields = new ArrayList<>();
      JsonArray list = error.getJsonArray("fields", new JsonArray());
      for (int i = 0; i < list.size(); i++) {
        JsonObject f = list.getJsonObject(i);
        fields.add(new FieldError(f.getString("field"), f.getString("message")));
      }
      return new ClientError(code, detail, fields);
    }
    Long retryAfter = error.getLong("retry_after_seconds");
    return new ServerError(
        code, detail, retryAfter == null ? null : Duration.ofSeconds(retryAfter), null);
  }

  private static ErrorCode codeOf(String code) {
    for (ErrorCode c : ErrorCode.values()) {
      if (c.code().equals(code)) {
        return c;
      }
    }
    return ErrorCode.INTERNAL_ERROR;
  }

  private static ServerError unavailable(String detail) {
    return ServerError.unavailable(ErrorCode.SERVICE_UNAVAILABLE, detail, null);
  }
}
