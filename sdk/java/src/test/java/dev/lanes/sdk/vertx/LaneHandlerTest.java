package dev.lanes.sdk.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanes.sdk.Lanes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LaneHandlerTest {

  private static Vertx vertx;
  private static HttpServer server;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router.route().handler(new LaneHandler());
    router
        .get("/lane")
        .handler(
            ctx -> {
              String now = Lanes.current();
              // an asynchronous hop: the lane must still be there after it
              vertx
                  .timer(5)
                  .compose(t -> Future.succeededFuture(Lanes.current()))
                  .onSuccess(
                      later ->
                          ctx.json(
                              new JsonObject()
                                  .put("now", now)
                                  .put("later", later)
                                  .put("ctx", LaneHandler.lane(ctx))));
            });
    server = vertx.createHttpServer().requestHandler(router).listen(0).await(10, TimeUnit.SECONDS);
    // one connection, so a lane could only leak from one request to the next through it
    client =
        WebClient.create(
            vertx,
            new WebClientOptions().setKeepAlive(true),
            new io.vertx.core.http.PoolOptions().setHttp1MaxSize(1));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static JsonObject get(String header, String value) throws Exception {
    var req = client.get(server.actualPort(), "127.0.0.1", "/lane");
    if (header != null) {
      req.putHeader(header, value);
    }
    return req.send().await(10, TimeUnit.SECONDS).bodyAsJsonObject();
  }

  @Test
  void theLaneOfXLaneHoldsAcrossAsynchronousSteps() throws Exception {
    JsonObject r = get("x-lane", "dev");
    assertThat(r.getString("now")).isEqualTo("dev");
    assertThat(r.getString("later")).isEqualTo("dev");
    assertThat(r.getString("ctx")).isEqualTo("dev");
  }

  @Test
  void baggageCarriesTheLaneToo() throws Exception {
    assertThat(get("baggage", "userId=alice,lane=feature-x").getString("later"))
        .isEqualTo("feature-x");
  }

  @Test
  void anIllegalLaneIsIgnoredAndNoLaneLeaksIntoTheNextRequest() throws Exception {
    assertThat(get("x-lane", "../prod").getString("now")).isNull();
    get("x-lane", "qa");
    JsonObject none = get(null, null);
    assertThat(none.getString("now")).isNull();
    assertThat(none.getString("later")).isNull();
  }
}
