package dev.lanes.gateway.http;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.validation.JsonBody;
import dev.lanes.common.validation.Validation;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Reading the parts of a request the handlers share. */
final class Requests {

  private Requests() {}

  /**
   * The body as a JSON object, after checking its media type.
   *
   * @throws ClientError {@code unsupported_media_type}, {@code malformed_json}
   */
  static JsonBody jsonBody(RoutingContext ctx, Validation validation) {
    Buffer body = ctx.body().buffer();
    boolean empty = body == null || body.length() == 0;
    String type = ctx.request().getHeader("Content-Type");
    if (!(empty && type == null) && !isJson(type)) {
      throw new ClientError(
          ErrorCode.UNSUPPORTED_MEDIA_TYPE,
          "send the body as application/json, not " + (type == null ? "without a type" : type));
    }
    return JsonBody.parse(empty ? new byte[0] : body.getBytes(), validation);
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return mediaType.equals("application/json")
        || (mediaType.startsWith("application/") && mediaType.endsWith("+json"));
  }

  /** A path parameter; route patterns guarantee it is present. */
  static String param(RoutingContext ctx, String name) {
    return ctx.pathParam(name);
  }
}
