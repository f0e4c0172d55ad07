package dev.lanes.gateway.http;

import dev.lanes.common.domain.Scope;
import dev.lanes.common.messaging.PgDeadLetters;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code GET /api/v1/dead-letters?limit=} (admin): the messages the services' consumers gave up,
 * newest first (docs/messaging.md, "Failures and dead letters").
 */
final class DeadLetterHandler {

  private final PgDeadLetters deadLetters;

  DeadLetterHandler(PgDeadLetters deadLetters) {
    this.deadLetters = deadLetters;
  }

  void mount(ApiRoutes routes) {
    routes.add(HttpMethod.GET, "/dead-letters", Scope.ADMIN, Routes.json(this::list));
  }

  private Future<Reply> list(RoutingContext ctx) {
    PageRequest page = PageRequest.from(ctx);
    // plain maps: the reply writer serialises records and maps, not Vert.x JSON objects
    return deadLetters
        .recent(page.limit())
        .map(letters -> Reply.ok(letters.stream().map(l -> l.mapTo(Map.class)).toList()));
  }
}
