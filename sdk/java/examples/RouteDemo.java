import com.sun.net.httpserver.HttpServer;
import dev.lanes.sdk.LaneRouter;
import dev.lanes.sdk.Lanes;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Lane routing in one file: a tiny HTTP service that answers each request with the URL its call to
 * {@code --app} would go to, then two requests to it, one with {@code x-lane: dev} and one with
 * {@code x-lane: qa}.
 *
 * <pre>
 * sdk/java/examples/run.sh --registry http://localhost:8081 --app web [--default-port 8080]
 * </pre>
 */
public class RouteDemo {
  public static void main(String[] args) throws Exception {
    String registry = "http://localhost:8081";
    String app = "web";
    int defaultPort = 8080;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--registry" -> registry = args[i + 1];
        case "--app" -> app = args[i + 1];
        case "--default-port" -> defaultPort = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String service = app;
    try (LaneRouter router = LaneRouter.start(registry, defaultPort)) {
      if (!router.awaitReady(Duration.ofSeconds(5))) {
        System.err.println("no route table from " + registry + " yet: using the default port");
      }
      HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext(
          "/",
          exchange -> {
            // what an inbound middleware does: the request's lane becomes the current lane
            String lane = Lanes.fromHeaders(exchange.getRequestHeaders()::getFirst);
            String target;
            try {
              target = Lanes.call(lane, () -> router.url(service, "/"));
            } catch (Exception e) {
              throw new java.io.IOException(e);
            }
            byte[] body = target.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      HttpClient client = HttpClient.newHttpClient();
      for (String lane : new String[] {"dev", "qa"}) {
        HttpRequest request =
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"))
                .header(Lanes.HEADER, lane)
                .build();
        String target = client.send(request, HttpResponse.BodyHandlers.ofString()).body();
        System.out.println("x-lane: " + lane + " -> " + target);
      }
      server.stop(0);
    }
  }
}
