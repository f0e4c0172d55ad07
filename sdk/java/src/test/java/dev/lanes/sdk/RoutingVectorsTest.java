package dev.lanes.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every case of sdk/testdata/routing-vectors.json, shared with the TypeScript and Python SDKs. */
class RoutingVectorsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode VECTORS = load();

  private static JsonNode load() {
    try {
      return JSON.readTree(Path.of("..", "testdata", "routing-vectors.json").toFile());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? null : n.asText();
  }

  @TestFactory
  Stream<DynamicTest> resolve() {
    assertThat(VECTORS.get("resolve").size()).isPositive();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : VECTORS.get("resolve")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.get("name").asText(),
              () -> {
                LaneRouter router =
                    new LaneRouter(
                        URI.create("http://127.0.0.1:1"),
                        LaneRouterOptions.defaults(c.get("default_port").asInt())
                            .withStream(false)
                            .withBackoff(Duration.ofSeconds(10), Duration.ofSeconds(10)));
                try {
                  if (!c.get("table").isNull()) {
                    TableUpdate u = TableUpdate.apply(null, "snapshot", c.get("table").toString());
                    assertThat(u.outcome()).isEqualTo(TableUpdate.Outcome.APPLIED);
                    router.install(u.table());
                  }
                  String service = c.get("service").asText();
                  String lane = text(c.get("lane"));
                  Lanes.run(
                      text(c.get("context_lane")),
                      () -> {
                        assertThat(router.resolve(service, lane))
                            .isEqualTo(c.get("target").asText());
                        if (c.has("path")) {
                          assertThat(router.url(service, c.get("path").asText(), lane))
                              .isEqualTo(c.get("url").asText());
                        }
                      });
                } finally {
                  router.close();
                }
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> headers() {
    assertThat(VECTORS.get("headers").size()).isPositive();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : VECTORS.get("headers")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.get("name").asText(),
              () -> {
                // header names are case-insensitive: look them up as HTTP servers do
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                c.get("headers")
                    .fields()
                    .forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
                assertThat(Lanes.fromHeaders(headers::get)).isEqualTo(text(c.get("lane")));
              }));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> streams() {
    assertThat(VECTORS.get("streams").size()).isPositive();
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode c : VECTORS.get("streams")) {
      tests.add(
          DynamicTest.dynamicTest(
              c.get("name").asText(),
              () -> {
                RouteTable table = null;
                List<String> outcomes = new ArrayList<>();
                for (JsonNode e : c.get("events")) {
                  TableUpdate u =
                      TableUpdate.apply(table, e.get("event").asText(), e.get("data").asText());
                  outcomes.add(u.outcome().name().toLowerCase(java.util.Locale.ROOT));
                  table = u.table();
                }
                List<String> expected = new ArrayList<>();
                c.get("outcomes").forEach(o -> expected.add(o.asText()));
                assertThat(outcomes).isEqualTo(expected);
                if (c.get("services").isNull()) {
                  assertThat(table).isNull();
                } else {
                  assertThat(table).isNotNull();
                  assertThat(table.version()).isEqualTo(c.get("version").asLong());
                  Map<String, RouteTable.Route> want = new TreeMap<>();
                  c.get("services")
                      .fields()
                      .forEachRemaining(
                          s -> {
                            List<String> lanes = new ArrayList<>();
                            s.getValue().get("lanes").forEach(l -> lanes.add(l.asText()));
                            want.put(
                                s.getKey(),
                                new RouteTable.Route(
                                    s.getKey(), lanes, s.getValue().get("port").asInt()));
                          });
                  assertThat(table.routes()).isEqualTo(want);
                }
              }));
    }
    return tests.stream();
  }
}
