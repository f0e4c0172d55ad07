package dev.lanes.builds.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.net.GitNetworks;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ref listing connects to the address its check was answered, not to a second answer of the name
 * server (DNS rebinding). Every address here is on loopback but 10.0.0.1, which is refused before
 * anything is sent to it.
 */
class PinnedConnectionTest {

  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
  private static final byte[] LOOPBACK = {127, 0, 0, 1};
  private static final byte[] REBOUND = {127, 0, 0, 2}; // loopback, where nothing listens

  /** What a smart HTTP git server (protocol v0) answers for one branch, main, at COMMIT. */
  private static final String ADVERTISEMENT =
      pkt("# service=git-upload-pack\n")
          + "0000"
          + pkt(COMMIT + " HEAD\0symref=HEAD:refs/heads/main\n")
          + pkt(COMMIT + " refs/heads/main\n")
          + "0000";

  private HttpServer server;
  private final List<String> hostHeaders = new CopyOnWriteArrayList<>();

  /** A name server that answers each name once as it should, and then as a rebinding one. */
  private static final class RebindingDns implements GitNetworks.Resolver {
    final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();
    final Map<String, byte[]> first;
    final byte[] then;

    RebindingDns(Map<String, byte[]> first, byte[] then) {
      this.first = first;
      this.then = then;
    }

    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      if (!first.containsKey(host)) {
        throw new UnknownHostException(host);
      }
      int n = asked.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
      return new InetAddress[] {InetAddress.getByAddress(host, n == 1 ? first.get(host) : then)};
    }

    int asked(String host) {
      AtomicInteger n = asked.get(host);
      return n == null ? 0 : n.get();
    }
  }

  @BeforeEach
  void dumbGitServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/team/app.git/",
        exchange -> {
          hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
          if (exchange.getRequestURI().getPath().endsWith("/info/refs")) {
            exchange
                .getResponseHeaders()
                .add("Content-Type", "application/x-git-upload-pack-advertisement");
            send(exchange, 200, ADVERTISEMENT);
          } else {
            send(exchange, 404, "");
          }
        });
    server.createContext(
        "/moved/",
        exchange -> {
          hostHeaders.add(exchange.getRequestHeaders().getFirst("Host"));
          exchange
              .getResponseHeaders()
              .add("Location", "http://elsewhere.test:" + port() + "/team/app.git/info/refs");
          send(exchange, 302, "");
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private int port() {
    return server.getAddress().getPort();
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  private static String pkt(String line) {
    return String.format("%04x", line.length() + 4) + line;
  }

  private static GitRemote http(String host, int port, String path) {
    return new GitRemote("http://" + host + ":" + port + path, "git://unused", false);
  }

  @Test
  void theRefsAreListedFromTheAddressTheCheckWasAnsweredWithoutAskingTheNameAgain()
      throws Exception {
    RebindingDns dns = new RebindingDns(Map.of("rebind.test", LOOPBACK), REBOUND);
    RefResolver resolver =
        new RefResolver(Duration.ofSeconds(5), GitNetworks.of(List.of(), true), dns);

    ResolvedRef ref = resolver.resolve(http("rebind.test", port(), "/team/app.git"), "main");

    assertThat(ref.commit()).isEqualTo(COMMIT);
    assertThat(dns.asked("rebind.test")).isEqualTo(1);
    // the request still names the repository's host: virtual hosting, and TLS below, need it
    assertThat(hostHeaders).isNotEmpty().allMatch(h -> h.equals("rebind.test:" + port()));
  }

  @Test
  void aRedirectToARefusedAddressIsRefusedBeforeItIsFollowed() {
    RebindingDns dns =
        new RebindingDns(
            Map.of("rebind.test", LOOPBACK, "elsewhere.test", new byte[] {10, 0, 0, 1}), REBOUND);
    RefResolver resolver =
        new RefResolver(Duration.ofSeconds(5), GitNetworks.of(List.of(), true), dns);

    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class,
            () -> resolver.resolve(http("rebind.test", port(), "/moved"), "main"));

    assertThat(e.reason()).isEqualTo(BuildReason.GIT_REPO_NOT_ALLOWED);
    assertThat(e).hasMessageContaining("elsewhere.test resolves to 10.0.0.1 is in 10.0.0.0/8");
    assertThat(hostHeaders).containsOnly("rebind.test:" + port());
  }

  @Test
  void onlyHttpsIsListedOverTheNetwork() {
    RefResolver resolver =
        new RefResolver(
            Duration.ofSeconds(1),
            GitNetworks.of(List.of(), true),
            new RebindingDns(Map.of(), REBOUND));

    RefResolutionException e =
        catchThrowableOfType(
            RefResolutionException.class,
            () ->
                resolver.resolve(
                    new GitRemote("ssh://127.0.0.1:" + port() + "/team/app.git", "", false),
                    "main"));

    assertThat(e.reason()).isEqualTo(BuildReason.GIT_REPO_NOT_ALLOWED);
    assertThat(hostHeaders).isEmpty();
  }
}
