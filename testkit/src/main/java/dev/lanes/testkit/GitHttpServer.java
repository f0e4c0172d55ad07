package dev.lanes.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private git server on 127.0.0.1: git's own {@code git http-backend} (smart HTTP, protocol v0
 * and v2) behind HTTP Basic authentication, serving the bare repositories under a root directory. A
 * request without the right user name and password is answered 401 before git sees it, as GitHub,
 * GitLab and Gitea answer for a private repository.
 */
public final class GitHttpServer implements AutoCloseable {

  private final HttpServer server;
  private final Path root;
  private final String expected;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger served = new AtomicInteger();

  private GitHttpServer(Path root, String username, String password) throws IOException {
    this.root = root;
    this.expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /**
   * @param root the directory of bare repositories, {@code team/app.git} served at {@code
   *     /team/app.git}
   */
  public static GitHttpServer start(Path root, String username, String password)
      throws IOException {
    return new GitHttpServer(root, username, password);
  }

  /** {@code http://127.0.0.1:port/path}. */
  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + path;
  }

  /** Requests answered 401: none or wrong credentials. */
  public int refused() {
    return refused.get();
  }

  /** Requests git answered. */
  public int served() {
    return served.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String given = exchange.getRequestHeaders().getFirst("Authorization");
      if (given == null
          || !MessageDigest.isEqual(
              given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8))) {
        refused.incrementAndGet();
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"private git\"");
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      served.incrementAndGet();
      backend(exchange);
    }
  }

  /** Runs {@code git http-backend} as the CGI program it is. */
  private void backend(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
    Map<String, String> env = pb.environment();
    env.put("GIT_PROJECT_ROOT", root.toString());
    env.put("GIT_HTTP_EXPORT_ALL", "1");
    env.put("REQUEST_METHOD", exchange.getRequestMethod());
    env.put("PATH_INFO", exchange.getRequestURI().getPath());
    String query = exchange.getRequestURI().getRawQuery();
    env.put("QUERY_STRING", query == null ? "" : query);
    env.put("REMOTE_USER", "authenticated");
    env.put("REMOTE_ADDR", "127.0.0.1");
    env.put("CONTENT_LENGTH", Integer.toString(body.length));
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    if (type != null) {
      env.put("CONTENT_TYPE", type);
    }
    for (var header : exchange.getRequestHeaders().entrySet()) {
      String name = header.getKey().toUpperCase(Locale.ROOT).replace('-', '_');
      if (!name.equals("AUTHORIZATION") && !header.getValue().isEmpty()) {
        env.put("HTTP_" + name, header.getValue().get(0));
      }
    }
    Process git = pb.start();
    try (OutputStream in = git.getOutputStream()) {
      in.write(body);
    }
    byte[] out;
    try (InputStream stdout = git.getInputStream()) {
      out = stdout.readAllBytes();
    }
    reply(exchange, out);
  }

  /** CGI output: headers (a {@code Status:} among them), a blank line, the body. */
  private static void reply(HttpExchange exchange, byte[] out) throws IOException {
    int split = indexOf(out, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    int skip = 4;
    if (split < 0) {
      split = indexOf(out, "\n\n".getBytes(StandardCharsets.US_ASCII));
      skip = 2;
    }
    if (split < 0) {
      exchange.sendResponseHeaders(500, -1);
      return;
    }
    int status = 200;
    for (String line : new String(out, 0, split, StandardCharsets.UTF_8).split("\r?\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = line.substring(0, colon).trim();
      String value = line.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Status")) {
        status = Integer.parseInt(value.split(" ")[0]);
      } else {
        exchange.getResponseHeaders().add(name, value);
      }
    }
    ByteArrayOutputStream rest = new ByteArrayOutputStream();
    rest.write(out, split + skip, out.length - split - skip);
    byte[] bytes = rest.toByteArray();
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
