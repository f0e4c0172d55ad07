package dev.lanes.gateway.http;

import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.FieldError;
import dev.lanes.common.validation.Rules;
import dev.lanes.gateway.events.PlatformEvent;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a subscriber of {@code /api/v1/events} asked for: kinds ({@code types=build,release,lane}),
 * an app and a lane. An app filter keeps the build and release events of that app; a lane filter
 * keeps the release events in that lane and the events of the lane itself.
 */
record EventFilter(Set<String> kinds, String app, String lane) {

  static final List<String> KINDS = List.of("build", "release", "lane");

  /** Reads the query; every invalid parameter is reported at once (400). */
  static EventFilter of(RoutingContext ctx) {
    List<FieldError> errors = new ArrayList<>();
    Set<String> kinds = new LinkedHashSet<>();
    for (String raw : ctx.queryParam("types")) {
      for (String kind : raw.split(",")) {
        String k = kind.trim();
        if (k.isEmpty()) {
          continue;
        }
        if (KINDS.contains(k)) {
          kinds.add(k);
        } else {
          errors.add(new FieldError("types", "unknown type '" + k + "'; use build, release, lane"));
        }
      }
    }
    String app = ctx.request().getParam("app");
    if (app != null && !Rules.isDnsLabel(app)) {
      errors.add(new FieldError("app", "must be an app name"));
    }
    String lane = ctx.request().getParam("lane");
    if (lane != null && !Rules.isDnsLabel(lane)) {
      errors.add(new FieldError("lane", "must be a lane name"));
    }
    if (!errors.isEmpty()) {
      throw ClientError.invalid(errors);
    }
    return new EventFilter(kinds.isEmpty() ? Set.copyOf(KINDS) : Set.copyOf(kinds), app, lane);
  }

  boolean matches(PlatformEvent e) {
    String kind = kindOf(e.type());
    if (kind == null || !kinds.contains(kind)) {
      return false;
    }
    JsonObject data = e.data();
    if (app != null && !app.equals(data.getString("app"))) {
      return false;
    }
    if (lane != null) {
      String eventLane = kind.equals("lane") ? data.getString("name") : data.getString("lane");
      return lane.equals(eventLane);
    }
    return true;
  }

  /** {@code dev.lanes.release.status} → {@code release}. */
  static String kindOf(String type) {
    for (String k : KINDS) {
      if (type.startsWith("dev.lanes." + k + ".")) {
        return k;
      }
    }
    return null;
  }
}
