package dev.lanes.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Requests the router never sees get a problem document like every other failure. The requests are
 * written byte for byte on a socket: an HTTP client would refuse to send most of them.
 */
class MalformedRequestsTest {

  static Vertx vertx;
  static int port;

  /** An answer read off the socket: its status and, when there is one, its JSON body. */
  record Answer(int status, String head, String text) {
    JsonObject body() {
      String type = header("Content-Type");
      return type != null && type.contains("json") ? new JsonObject(text) : null;
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(new RequestIds());
    router.get("/things/:id").handler(ctx -> ctx.response().end(ctx.pathParam("id")));
    router.route().failureHandler(new ProblemHandler(path -> Set.of("GET")));
    port =
        MalformedRequests.install(vertx.createHttpServer(), router)
            .listen(0, "127.0.0.1")
            .await(20, TimeUnit.SECONDS)
            .actualPort();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(20, TimeUnit.SECONDS);
  }

  static Answer send(byte[] request) throws Exception {
    NetSocket socket =
        vertx.createNetClient().connect(port, "127.0.0.1").await(20, TimeUnit.SECONDS);
    Buffer received = Buffer.buffer();
    socket.handler(received::appendBuffer);
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    socket.closeHandler(v -> closed.tryComplete());
    socket.write(Buffer.buffer(request));
    closed.future().await(20, TimeUnit.SECONDS);
    String text = received.toString(StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    String head = text.substring(0, split);
    String body = text.substring(split + 4);
    int status = Integer.parseInt(head.split(" ")[1]);
    return new Answer(status, head, body);
  }

  static Answer get(String target, String... headers) throws Exception {
    StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: x\r\n");
    for (String h : headers) {
      request.append(h).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return send(request.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  static void assertProblem(Answer answer, int status, String code) {
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(answer.body()).isNotNull();
    assertThat(answer.body().getString("code")).isEqualTo(code);
    assertThat(answer.body().getInteger("status")).isEqualTo(status);
    assertThat(answer.body().getString("request_id")).isEqualTo(answer.header("X-Request-Id"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/things/%",
        "/things/%zz",
        "/things/%4",
        "/things/%zz/",
        "/things/%C0%AF",
        "/things/%ED%A0%80",
        "/%/things",
        "/things/ok?x=%zz",
        "/things/ok?x=%"
      })
  void aBadlyEncodedPathOrQueryIsA400ProblemNotA500(String target) throws Exception {
    Answer answer = get(target);

    assertProblem(answer, 400, "malformed_request");
    assertThat(answer.body().containsKey("instance")).as("the bad path is not echoed").isFalse();
  }

  @Test
  void aWellEncodedPathStillReachesTheRouter() throws Exception {
    Answer answer = get("/things/a%20b?x=%C3%A9");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.text()).isEqualTo("a b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0102", "1f"})
  void aHeaderWithBytesHttpDoesNotAllowIsA400Problem(String hex) throws Exception {
    byte[] value = HexFormat.of().parseHex(hex);
    byte[] head = "GET /things/ok HTTP/1.1\r\nHost: x\r\nX-API-Key: abc".getBytes();
    byte[] tail = "\r\nConnection: close\r\n\r\n".getBytes();
    byte[] request = new byte[head.length + value.length + tail.length];
    System.arraycopy(head, 0, request, 0, head.length);
    System.arraycopy(value, 0, request, head.length, value.length);
    System.arraycopy(tail, 0, request, head.length + value.length, tail.length);

    Answer answer = send(request);

    assertProblem(answer, 400, "malformed_request");
  }

  @Test
  void headersTooLargeAre431() throws Exception {
    Answer answer = get("/things/ok", "X-Big: " + "a".repeat(20_000));

    assertProblem(answer, 431, "headers_too_large");
  }

  @Test
  void aRequestLineTooLongIs414() throws Exception {
    Answer answer = get("/things/" + "a".repeat(10_000));

    assertProblem(answer, 414, "uri_too_long");
  }

  @Test
  void aBrokenRequestLineIsA400Problem() throws Exception {
    Answer answer = send("GET\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

    assertProblem(answer, 400, "malformed_request");
  }
}
