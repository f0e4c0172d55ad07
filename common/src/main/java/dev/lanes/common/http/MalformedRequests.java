package dev.lanes.common.http;

import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.error.Problem;
import dev.lanes.common.json.Json;
import dev.lanes.common.validation.Utf8;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests the router never sees, answered with the contract's problem document like every other
 * failure: those the HTTP codec refused (control characters or non-ASCII bytes in a header, a
 * request line or headers too long, a broken request line), and those whose path or query is not
 * well-formed percent-encoded UTF-8, which the router's path matching and parameter decoding would
 * otherwise fail with a 500. {@link #install} puts both in front of a server's router.
 */
public final class MalformedRequests {

  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);

  private MalformedRequests() {}

  /** Serves {@code router} on {@code server}, malformed requests answered before it. */
  public static HttpServer install(HttpServer server, Handler<HttpServerRequest> router) {
    return server
        .invalidRequestHandler(MalformedRequests::refusedByTheCodec)
        .requestHandler(request -> checked(request, router));
  }

  private static void checked(HttpServerRequest request, Handler<HttpServerRequest> router) {
    String problem = malformedTarget(request.path(), request.query());
    if (problem == null) {
      router.handle(request);
    } else {
      answer(request, ErrorCode.MALFORMED_REQUEST, problem, false);
    }
  }

  /**
   * What is wrong with a request's path and query, or {@code null} when both are well-formed: every
   * {@code %} followed by two hex digits, and the decoded bytes UTF-8.
   */
  static String malformedTarget(String path, String query) {
    if (path != null && !wellEncoded(path)) {
      return "the path is not well-formed percent-encoded UTF-8";
    }
    if (query != null && !wellEncoded(query)) {
      return "the query is not well-formed percent-encoded UTF-8";
    }
    return null;
  }

  static boolean wellEncoded(String component) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(component.length());
    for (int i = 0; i < component.length(); i++) {
      char c = component.charAt(i);
      if (c == '%') {
        if (i + 2 >= component.length()) {
          return false;
        }
        int high = Character.digit(component.charAt(i + 1), 16);
        int low = Character.digit(component.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          return false;
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        // a raw non-ASCII character the codec let through: it stands for itself
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    return Utf8.isValid(bytes.toByteArray());
  }

  /** The codec refused the request: say why, as a problem document, and close the connection. */
  static void refusedByTheCodec(HttpServerRequest request) {
    DecoderResult result = request.decoderResult();
    Throwable cause = result == null ? null : result.cause();
    if (cause instanceof TooLongHttpHeaderException) {
      answer(request, ErrorCode.HEADERS_TOO_LARGE, "the request's headers are too large", true);
    } else if (cause instanceof TooLongHttpLineException) {
      answer(request, ErrorCode.URI_TOO_LONG, "the request line is too long", true);
    } else {
      answer(
          request,
          ErrorCode.MALFORMED_REQUEST,
          "the request could not be read: a header or the request line holds bytes HTTP does not"
              + " allow",
          true);
    }
  }

  private static void answer(
      HttpServerRequest request, ErrorCode code, String detail, boolean close) {
    String id = RequestIds.newId();
    // the path as sent may be what is wrong with it: never echo it
    Problem problem = Problem.of(code, detail, List.of()).at(null, id);
    LOG.debug("malformed request [{}] -> {} {}", id, code.code(), detail);
    HttpServerResponse response = request.response();
    response
        .setStatusCode(code.status())
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader(RequestIds.HEADER, id);
    if (close) {
      response.putHeader("Connection", "close");
    }
    response.end(Buffer.buffer(Json.write(problem)));
  }
}
