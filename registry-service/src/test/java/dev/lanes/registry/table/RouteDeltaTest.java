package dev.lanes.registry.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteDeltaTest {

  private static final RouteEntry DEV = new RouteEntry(List.of("dev", "prod"), 8080);
  private static final RouteEntry PROD = new RouteEntry(List.of("prod"), 8080);

  @Test
  void twoDeltasInARowSpanBothVersionsAndTheLaterEntryWins() {
    RouteDelta first = new RouteDelta(11, 10, Map.of("web", PROD, "api", PROD), List.of("old"));
    RouteDelta second = new RouteDelta(12, 11, Map.of("web", DEV), List.of());

    RouteDelta both = first.then(second);

    assertThat(both.previous()).isEqualTo(10);
    assertThat(both.version()).isEqualTo(12);
    assertThat(both.upserts()).isEqualTo(Map.of("web", DEV, "api", PROD));
    assertThat(both.removes()).containsExactly("old");
  }

  @Test
  void aServiceThatCameAndWentIsOnlyRemovedAndOneThatCameBackIsOnlyUpserted() {
    RouteDelta came = new RouteDelta(11, 10, Map.of("web", DEV), List.of("api"));
    RouteDelta went = new RouteDelta(12, 11, Map.of("api", PROD), List.of("web"));

    RouteDelta both = came.then(went);

    assertThat(both.upserts()).isEqualTo(Map.of("api", PROD));
    assertThat(both.removes()).containsExactly("web");
  }

  @Test
  void refusesADeltaThatDoesNotFollow() {
    RouteDelta first = new RouteDelta(11, 10, Map.of(), List.of("web"));
    RouteDelta unrelated = new RouteDelta(13, 12, Map.of(), List.of("api"));

    assertThatThrownBy(() -> first.then(unrelated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not follow 11");
  }
}
