package dev.lanes.testkit.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 written byte for byte on a socket, one request per connection: the fuzzer sends what
 * every HTTP client refuses to (control bytes in a header, a lone {@code %} in the path, a method
 * nobody uses). Loopback only: the fuzzer is pointed at a platform on this machine.
 */
final class RawHttp {

  /** An answer: its status, headers (names lower case) and body. */
  record Answer(int status, Map<String, String> headers, byte[] body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final String host;
  private final int port;

  RawHttp(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /** Sends {@code head} (request line and headers, without the blank line) and {@code body}. */
  Answer send(byte[] head, byte[] body) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(30_000);
      IOException writing = null;
      try {
        OutputStream out = socket.getOutputStream();
        out.write(head);
        out.write("\r\nConnection: close\r\n".getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
          out.write(
              ("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        if (body != null) {
          out.write(body);
        }
        out.flush();
      } catch (IOException e) {
        // a server refuses a request too large by answering and closing before it is all sent:
        // its answer is still there to read
        writing = e;
      }
      try {
        return read(socket.getInputStream());
      } catch (IOException e) {
        if (writing != null) {
          e.addSuppressed(writing);
        }
        throw e;
      }
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (java.net.SocketException e) {
      // the server may reset after answering a request it refused: keep what arrived
    }
    byte[] bytes = all.toByteArray();
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no HTTP answer (" + bytes.length + " bytes)");
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    byte[] body = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = dechunk(body);
    }
    return new Answer(status, headers, body);
  }

  private static byte[] dechunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < chunked.length) {
      int lineEnd = i;
      while (lineEnd + 1 < chunked.length
          && !(chunked[lineEnd] == '\r' && chunked[lineEnd + 1] == '\n')) {
        lineEnd++;
      }
      String size = new String(chunked, i, lineEnd - i, StandardCharsets.US_ASCII).trim();
      int semicolon = size.indexOf(';');
      int n = Integer.parseInt(semicolon < 0 ? size : size.substring(0, semicolon), 16);
      if (n == 0) {
        break;
      }
      out.write(chunked, lineEnd + 2, n);
      i = lineEnd + 2 + n + 2;
    }
    return out.toByteArray();
  }
}
