package dev.lanes.sdk;

import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Outgoing calls with {@code java.net.http}: a request to a service in the current lane that also
 * carries the lane on, so the next hop routes the same way.
 *
 * <pre>{@code
 * HttpResponse<String> r = client.send(
 *     LaneHttp.request(router, "web", "/api/items").GET().build(), BodyHandlers.ofString());
 * }</pre>
 */
public final class LaneHttp {

  private LaneHttp() {}

  /**
   * A request builder for {@code path} on {@code service} in the current lane, with {@code x-lane}.
   */
  public static HttpRequest.Builder request(LaneRouter router, String service, String path) {
    return request(router, service, path, null);
  }

  /** The same, in {@code lane} when it is a lane name, else in the current lane. */
  public static HttpRequest.Builder request(
      LaneRouter router, String service, String path, String lane) {
    String effective = LaneNames.isLane(lane) ? lane : Lanes.current();
    return withLane(
        HttpRequest.newBuilder(URI.create(router.url(service, path, effective))), effective);
  }

  /** Adds {@code x-lane: lane} to {@code builder} when {@code lane} is a lane name. */
  public static HttpRequest.Builder withLane(HttpRequest.Builder builder, String lane) {
    return LaneNames.isLane(lane) ? builder.setHeader(Lanes.HEADER, lane) : builder;
  }
}
