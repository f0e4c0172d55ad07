package dev.lanes.sdk;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A route registry for the SDK's tests, speaking the protocol of docs/routing.md: a stream that
 * starts with a snapshot and then sends what the test pushes, and blocking queries. It can be
 * stopped and started again on the same port, and made to fail its stream.
 */
final class FakeRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CLOSE = "\u0000close";

  final List<String> streamRequests = new CopyOnWriteArrayList<>();
  final List<String> pollRequests = new CopyOnWriteArrayList<>();
  private final List<BlockingQueue<String>> streams = new CopyOnWriteArrayList<>();
  private volatile ObjectNode table;
  private volatile int streamStatus = 200;
  private volatile boolean snapshotOnConnect = true;
  private HttpServer server;
  private ExecutorService threads;
  private int port;

  FakeRegistry(Map<String, Object> services, long version) {
    setTable(services, version);
  }

  FakeRegistry start() throws IOException {
    return start(0);
  }

  FakeRegistry start(int onPort) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
    threads = Executors.newCachedThreadPool();
    server.setExecutor(threads);
    server.createContext("/v1/routes/stream", this::stream);
    server.createContext("/v1/routes", this::poll);
    server.start();
    port = server.getAddress().getPort();
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  synchronized void setTable(Map<String, Object> services, long version) {
    ObjectNode t = JSON.createObjectNode();
    t.set("services", JSON.valueToTree(services));
    t.put("version", version);
    table = t;
    notifyAll();
  }

  void failStream(int status) {
    streamStatus = status;
  }

  void silent() {
    snapshotOnConnect = false;
  }

  /** Sends a raw frame ({@code event: ...\ndata: ...\n\n}) to every open stream. */
  void push(String frame) {
    streams.forEach(q -> q.add(frame));
  }

  void pushEvent(String event, long id, String data) {
    push("event: " + event + "\nid: " + id + "\ndata: " + data + "\n\n");
  }

  int openStreams() {
    return streams.size();
  }

  /** Ends every open stream, as a restarting registry would. */
  void dropStreams() {
    streams.forEach(q -> q.add(CLOSE));
  }

  void stop() {
    dropStreams();
    server.stop(0);
    threads.shutdownNow();
  }

  @Override
  public void close() {
    stop();
  }

  private void stream(HttpExchange ex) throws IOException {
    String last = ex.getRequestHeaders().getFirst("Last-Event-ID");
    streamRequests.add(last == null ? "" : last);
    if (streamStatus != 200) {
      ex.sendResponseHeaders(streamStatus, -1);
      ex.close();
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream");
    ex.sendResponseHeaders(200, 0);
    BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    streams.add(queue);
    try (OutputStream out = ex.getResponseBody()) {
      out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
      if (snapshotOnConnect) {
        ObjectNode t = table;
        out.write(
            ("event: snapshot\nid: " + t.get("version").asLong() + "\ndata: " + t + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
      while (true) {
        String frame = queue.poll(10, TimeUnit.SECONDS);
        if (frame == null) {
          continue;
        }
        if (frame.equals(CLOSE)) {
          break;
        }
        out.write(frame.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // the client went away
    } finally {
      streams.remove(queue);
    }
  }

  private void poll(HttpExchange ex) throws IOException {
    String query = ex.getRequestURI().getQuery();
    pollRequests.add(query == null ? "" : query);
    Long index = null;
    if (query != null) {
      for (String p : query.split("&")) {
        if (p.startsWith("index=")) {
          index = Long.parseLong(p.substring(6));
        }
      }
    }
    ObjectNode t;
    synchronized (this) {
      long deadline = System.currentTimeMillis() + 5_000;
      while (index != null
          && table.get("version").asLong() == index
          && System.currentTimeMillis() < deadline) {
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      t = table;
    }
    byte[] body = t.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }
}
