package dev.lanes.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LaneHttpTest {

  @Test
  void anOutgoingCallCarriesTheRequestsLane() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>("unset");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          seen.set(ex.getRequestHeaders().getFirst("x-lane"));
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    server.start();
    // no table: a service named after the host resolves to host:defaultPort
    LaneRouter router =
        new LaneRouter(
            URI.create("http://127.0.0.1:1"),
            LaneRouterOptions.defaults(server.getAddress().getPort())
                .withStream(false)
                .withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(10)));
    HttpClient client = HttpClient.newHttpClient();
    try {
      HttpRequest request =
          Lanes.call("dev", () -> LaneHttp.request(router, "127.0.0.1", "/items").GET().build());
      assertThat(request.uri().toString())
          .isEqualTo("http://127.0.0.1:" + server.getAddress().getPort() + "/items");
      assertThat(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode())
          .isEqualTo(204);
      assertThat(seen.get()).isEqualTo("dev");

      client.send(
          LaneHttp.request(router, "127.0.0.1", "/items").GET().build(),
          HttpResponse.BodyHandlers.discarding());
      assertThat(seen.get()).isNull();
      assertThat(LaneHttp.request(router, "127.0.0.1", "/", "Not A Lane").build().headers().map())
          .doesNotContainKey("x-lane");
    } finally {
      router.close();
      server.stop(0);
    }
  }
}
