package dev.lanes.testkit.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bad requests against a running API, seeded and so replayable: for every route of the OpenAPI
 * document, bad path segments, bad queries, bad headers, methods the route does not serve and
 * bodies that cannot be right. It checks what a client and an operator must be able to count on: no
 * answer is a 5xx, every 4xx is a problem document whose {@code status} is the answer's, no bad
 * request is accepted, and nothing is written (every list is the same before and after).
 */
public final class ApiFuzzer {

  /**
   * @param host and {@code port}: where the API listens (loopback)
   * @param adminKey a key with every scope, for the set-up and the lists
   */
  public record Settings(String host, int port, String adminKey, long seed, int count) {}

  /** What one bad request got wrong. */
  public record Finding(int index, String request, String problem) {
    @Override
    public String toString() {
      return "#" + index + " " + request + ": " + problem;
    }
  }

  /** What a run found. */
  public record Report(
      int requests,
      long seed,
      List<Finding> serverErrors,
      List<Finding> withoutProblem,
      List<Finding> accepted,
      List<String> written) {

    public boolean clean() {
      return serverErrors.isEmpty()
          && withoutProblem.isEmpty()
          && accepted.isEmpty()
          && written.isEmpty();
    }

    /** The last line a run prints. */
    public String summary() {
      return "fuzz: "
          + requests
          + " requests, seed "
          + seed
          + ": 5xx "
          + serverErrors.size()
          + ", without a problem document "
          + withoutProblem.size()
          + ", bad ones accepted "
          + accepted.size()
          + ", written "
          + written.size();
    }
  }

  private record Route(String method, String path) {}

  private record Request(String method, String target, List<byte[]> headers, byte[] body) {
    String describe() {
      String b = body == null ? "" : " body " + preview(body);
      return method
          + " "
          + preview(target.getBytes(StandardCharsets.ISO_8859_1))
          + headerText()
          + b;
    }

    private String headerText() {
      StringBuilder out = new StringBuilder();
      for (byte[] h : headers) {
        out.append(" [").append(preview(h)).append(']');
      }
      return out.toString();
    }
  }

  static final String APP = "fz-app1";
  static final String OTHER_APP = "fz-app2";
  static final String REPO = "fz-repo";
  static final String LANE = "fz-lane";
  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
  private static final Pattern VOLATILE = Pattern.compile("\"last_used_at\":(null|\"[^\"]*\")");

  /**
   * Path segments no route may take for a name or an id (dot segments are URL syntax: left out).
   */
  private static final List<String> BAD_SEGMENTS =
      List.of(
          "%",
          "%zz",
          "%4",
          "%C0%AF",
          "%ED%A0%80",
          "%FF",
          "%00",
          "UPPER",
          "-x",
          "x-",
          "a_b",
          "a".repeat(70),
          "a".repeat(5000),
          "%20",
          "%2F",
          "\u00fc",
          "'",
          "%22",
          "%7B%7D",
          "1e9",
          "-1",
          "0",
          "999999999999999999999",
          "%0A",
          "%09x");

  private static final List<String> BAD_QUERIES =
      List.of(
          "limit=-1",
          "limit=abc",
          "limit=1000000",
          "limit=%zz",
          "cursor=%%%",
          "cursor=garbage",
          "since=yesterday",
          "tail=-5",
          "lane=UPPER",
          "%zz=1",
          "a=" + "x".repeat(5000),
          "limit=1&limit=x",
          "types=nonsense",
          "wait=forever",
          "revision=x",
          "app=%C0%AF");

  private static final List<String> BAD_METHODS =
      List.of("PATCH", "TRACE", "FOO", "PROPFIND", "OPTIONS", "PUT", "POST", "DELETE");

  private final Settings settings;
  private final RawHttp http;
  private final List<Route> routes;
  private final Map<String, Set<String>> methodsByPath = new LinkedHashMap<>();

  private ApiFuzzer(Settings settings, List<Route> routes) {
    this.settings = settings;
    this.http = new RawHttp(settings.host(), settings.port());
    this.routes = routes;
    for (Route r : routes) {
      methodsByPath.computeIfAbsent(r.path(), p -> new java.util.TreeSet<>()).add(r.method());
    }
  }

  /** The routes of {@code openapi} (YAML) under {@code /api/v1}, streams left out. */
  public static ApiFuzzer of(Settings settings, String openapi) throws IOException {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(openapi);
    List<Route> routes = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      if (!path.getKey().startsWith("/api/v1") || path.getKey().endsWith("openapi.yaml")) {
        continue;
      }
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        String method = op.getKey().toUpperCase(Locale.ROOT);
        if (Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)
            && !op.getValue().toString().contains("text/event-stream")) {
          routes.add(new Route(method, path.getKey()));
        }
      }
    }
    return new ApiFuzzer(settings, routes);
  }

  /** Creates what the routes name, sends {@code count} bad requests and checks the answers. */
  public Report run() throws IOException {
    setUp();
    Map<String, String> before = snapshot();
    Random random = new Random(settings.seed());
    List<Finding> serverErrors = new ArrayList<>();
    List<Finding> withoutProblem = new ArrayList<>();
    List<Finding> accepted = new ArrayList<>();
    for (int i = 0; i < settings.count(); i++) {
      Request request = next(random);
      RawHttp.Answer answer;
      try {
        answer = send(request);
      } catch (IOException e) {
        serverErrors.add(new Finding(i, request.describe(), "no answer: " + e.getMessage()));
        continue;
      }
      check(i, request, answer, serverErrors, withoutProblem, accepted);
    }
    Map<String, String> after = snapshot();
    List<String> written = new ArrayList<>();
    before.forEach(
        (list, content) -> {
          if (!content.equals(after.get(list))) {
            written.add(list + " changed");
          }
        });
    return new Report(
        settings.count(), settings.seed(), serverErrors, withoutProblem, accepted, written);
  }

  private void check(
      int i,
      Request request,
      RawHttp.Answer answer,
      List<Finding> serverErrors,
      List<Finding> withoutProblem,
      List<Finding> accepted) {
    int status = answer.status();
    if (status >= 500) {
      serverErrors.add(new Finding(i, request.describe(), status + " " + preview(answer.body())));
      return;
    }
    boolean write = Set.of("POST", "PUT", "DELETE").contains(request.method());
    if (status < 400) {
      if (write) {
        accepted.add(new Finding(i, request.describe(), "answered " + status));
      }
      return;
    }
    String type = answer.header("content-type");
    if (type == null || !type.startsWith("application/problem+json")) {
      withoutProblem.add(new Finding(i, request.describe(), status + " with Content-Type " + type));
      return;
    }
    try {
      JsonNode problem = new ObjectMapper().readTree(answer.body());
      if (!problem.path("code").isTextual() || problem.path("status").asInt() != status) {
        withoutProblem.add(
            new Finding(i, request.describe(), status + " " + preview(answer.body())));
      }
    } catch (IOException e) {
      withoutProblem.add(new Finding(i, request.describe(), status + " body is not JSON"));
    }
  }

  // what the routes name, made once (a second run finds them there)
  private void setUp() throws IOException {
    post(
        "/api/v1/image-repos",
        "{\"name\":\"" + REPO + "\",\"registry\":\"harbor.local/fz/web\",\"git_repo\":\"fz/web\"}");
    post("/api/v1/apps", "{\"name\":\"" + APP + "\",\"image_repo\":\"" + REPO + "\"}");
    post("/api/v1/apps", "{\"name\":\"" + OTHER_APP + "\",\"image_repo\":\"" + REPO + "\"}");
    post("/api/v1/lanes", "{\"name\":\"" + LANE + "\"}");
  }

  private void post(String path, String json) throws IOException {
    int status =
        send(new Request("POST", path, List.of(json()), json.getBytes(StandardCharsets.UTF_8)))
            .status();
    if (status != 201 && status != 409) {
      throw new IOException("setting up, POST " + path + " answered " + status);
    }
  }

  private Map<String, String> snapshot() throws IOException {
    Map<String, String> lists = new LinkedHashMap<>();
    for (String list :
        List.of(
            "/api/v1/image-repos?limit=200",
            "/api/v1/apps?limit=200",
            "/api/v1/lanes?limit=200",
            "/api/v1/releases?limit=200",
            "/api/v1/apps/" + APP + "/builds?limit=200",
            "/api/v1/apps/" + OTHER_APP + "/builds?limit=200",
            "/api/v1/api-keys?limit=200")) {
      RawHttp.Answer answer = send(new Request("GET", list, List.of(), null));
      lists.put(list, VOLATILE.matcher(answer.status() + " " + answer.text()).replaceAll(""));
    }
    return lists;
  }

  private Request next(Random random) {
    Route route = routes.get(random.nextInt(routes.size()));
    switch (random.nextInt(5)) {
      case 0:
        return badSegment(random, route);
      case 1:
        return badQuery(random, route);
      case 2:
        return badHeader(random, route);
      case 3:
        return badMethod(random, route);
      default:
        return badBody(random, route);
    }
  }

  private Request badSegment(Random random, Route route) {
    List<String> params = params(route.path());
    if (params.isEmpty()) {
      return badQuery(random, route);
    }
    String bad = params.get(random.nextInt(params.size()));
    String value = BAD_SEGMENTS.get(random.nextInt(BAD_SEGMENTS.size()));
    String target = fill(route.path(), bad, value);
    boolean withBody = route.method().equals("POST") || route.method().equals("PUT");
    return new Request(
        route.method(),
        target,
        withBody ? List.of(json()) : List.of(),
        withBody ? "{\"zz_unknown\":1}".getBytes(StandardCharsets.UTF_8) : null);
  }

  private Request badQuery(Random random, Route route) {
    String query = BAD_QUERIES.get(random.nextInt(BAD_QUERIES.size()));
    // queries on reads only: the path read is the route's when it has a GET, else the apps'
    String path = methodsByPath.get(route.path()).contains("GET") ? route.path() : "/api/v1/apps";
    return new Request("GET", fill(path, null, null) + "?" + query, List.of(), null);
  }

  private Request badHeader(Random random, Route route) {
    boolean withBody = route.method().equals("POST") || route.method().equals("PUT");
    byte[] body = withBody ? "{\"zz_unknown\":1}".getBytes(StandardCharsets.UTF_8) : null;
    // every case makes the request one that must be refused: a key that cannot be one, or a body
    // that is not JSON by its type
    List<byte[]> headers = new ArrayList<>();
    switch (random.nextInt(withBody ? 5 : 3)) {
      case 0 -> headers.add(concat("X-API-Key: lanes_", HexFormat.of().parseHex("0102")));
      case 1 -> headers.add(concat("X-API-Key: lanes_", HexFormat.of().parseHex("c3a9c0af")));
      case 2 -> headers.add(ascii("X-API-Key: lanes_" + "x".repeat(9000)));
      case 3 -> headers.add(concat("Content-Type: application/json", new byte[] {1}));
      default -> headers.add(ascii("Content-Type: text/plain"));
    }
    if (withBody && new String(headers.get(0), StandardCharsets.ISO_8859_1).startsWith("X-API")) {
      headers.add(json());
    }
    return new Request(route.method(), fill(route.path(), null, null), headers, body);
  }

  private Request badMethod(Random random, Route route) {
    Set<String> served = methodsByPath.get(route.path());
    List<String> others = BAD_METHODS.stream().filter(m -> !served.contains(m)).toList();
    if (others.isEmpty()) {
      return badBody(random, route);
    }
    String method = others.get(random.nextInt(others.size()));
    return new Request(method, fill(route.path(), null, null), List.of(), null);
  }

  private Request badBody(Random random, Route route) {
    List<Route> writes =
        routes.stream().filter(r -> r.method().equals("POST") || r.method().equals("PUT")).toList();
    Route write = writes.get(random.nextInt(writes.size()));
    return new Request(
        write.method(), fill(write.path(), null, null), List.of(json()), badJson(random));
  }

  private static byte[] badJson(Random random) {
    return switch (random.nextInt(16)) {
      case 0 -> utf8("{");
      case 1 -> utf8("{\"a\":}");
      case 2 -> utf8("[]");
      case 3 -> utf8("1");
      case 4 -> utf8("null");
      case 5 -> new byte[0];
      case 6 -> utf8("{\"zz_unknown\":1,\"zz_unknown\":2}");
      case 7 -> utf8("{\"zz_unknown\":1} {}");
      case 8 -> utf8("{\"replicas\":NaN}");
      case 9 -> concat("{\"description\":\"", HexFormat.of().parseHex("c0af"), utf8("\"}"));
      case 10 -> concat("{\"description\":\"", HexFormat.of().parseHex("eda080"), utf8("\"}"));
      case 11 -> utf8("[".repeat(5000) + "]".repeat(5000));
      case 12 -> utf8("{\"name\":1e999999}");
      case 13 -> utf8("{\"name\":123,\"zz_unknown\":true}");
      case 14 -> utf8("{\"zz_unknown\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
      default -> concat("\ufeff", utf8("{\"zz_unknown\":1}"));
    };
  }

  private RawHttp.Answer send(Request request) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    head.writeBytes(ascii(request.method() + " " + request.target() + " HTTP/1.1"));
    head.writeBytes(ascii("\r\nHost: " + settings.host()));
    boolean keyGiven = false;
    for (byte[] h : request.headers()) {
      keyGiven |= new String(h, StandardCharsets.ISO_8859_1).startsWith("X-API-Key");
      head.writeBytes(ascii("\r\n"));
      head.writeBytes(h);
    }
    if (!keyGiven) {
      head.writeBytes(ascii("\r\nX-API-Key: " + settings.adminKey()));
    }
    return http.send(head.toByteArray(), request.body());
  }

  private static List<String> params(String path) {
    List<String> out = new ArrayList<>();
    Matcher m = PARAM.matcher(path);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** The path with every parameter filled with what exists, {@code bad} with {@code value}. */
  private static String fill(String path, String bad, String value) {
    Matcher m = PARAM.matcher(path);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String before = path.substring(0, m.start());
      String filled;
      if (name.equals(bad)) {
        filled = value;
      } else if (before.endsWith("/image-repos/")) {
        filled = REPO;
      } else if (before.endsWith("/lanes/")) {
        filled = LANE;
      } else if (before.endsWith("/apps/")) {
        filled = OTHER_APP;
      } else if (name.contains("revision")) {
        filled = "1";
      } else {
        filled = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(filled));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static byte[] json() {
    return ascii("Content-Type: application/json");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(String head, byte[]... rest) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(utf8(head));
    for (byte[] r : rest) {
      out.writeBytes(r);
    }
    return out.toByteArray();
  }

  private static String preview(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(bytes.length, 120); i++) {
      int b = bytes[i] & 0xff;
      out.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
    }
    return bytes.length > 120 ? out + "...(" + bytes.length + " bytes)" : out.toString();
  }
}
