package dev.lanes.registry.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteBookTest {

  private final RouteBook book =
      new RouteBook(new VersionClock(Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC)));

  private static ServiceFacts svc(String app, String lane, int port) {
    return new ServiceFacts(app + "-" + lane, app, lane, port);
  }

  @Test
  void aLaneIsListedOnlyWhileItHasAReadyEndpoint() {
    assertThat(book.upsertService(svc("web", "dev", 8080))).isEmpty();
    assertThat(book.routes()).isEmpty();

    RouteDelta up = book.upsertSlice("web-dev", "web-dev-abc", 1).orElseThrow();
    assertThat(up.upserts())
        .containsExactly(Map.entry("web", new RouteEntry(List.of("dev"), 8080)));
    assertThat(up.removes()).isEmpty();
    assertThat(book.route("web")).isEqualTo(new RouteEntry(List.of("dev"), 8080));

    RouteDelta down = book.upsertSlice("web-dev", "web-dev-abc", 0).orElseThrow();
    assertThat(down.removes()).containsExactly("web");
    assertThat(down.previous()).isEqualTo(up.version());
    assertThat(book.routes()).isEmpty();
  }

  @Test
  void lanesAreSortedAndThePortIsProdsWhenProdIsListed() {
    book.upsertService(svc("web", "prod", 8080));
    book.upsertService(svc("web", "dev", 9000));
    book.upsertService(svc("web", "alpha", 7000));
    book.upsertSlice("web-dev", "s1", 2);
    assertThat(book.route("web")).isEqualTo(new RouteEntry(List.of("dev"), 9000));
    book.upsertSlice("web-alpha", "s2", 1);
    assertThat(book.route("web")).isEqualTo(new RouteEntry(List.of("alpha", "dev"), 7000));
    book.upsertSlice("web-prod", "s3", 1);
    assertThat(book.route("web")).isEqualTo(new RouteEntry(List.of("alpha", "dev", "prod"), 8080));
    assertThat(book.laneCount()).isEqualTo(3);
  }

  @Test
  void readyEndpointsAddUpOverSlices() {
    book.upsertService(svc("web", "dev", 8080));
    book.upsertSlice("web-dev", "a", 1);
    book.upsertSlice("web-dev", "b", 0);
    assertThat(book.upsertSlice("web-dev", "a", 0)).isPresent();
    assertThat(book.routes()).isEmpty();
    book.upsertSlice("web-dev", "b", 3);
    assertThat(book.routes()).containsKey("web");
    assertThat(book.removeSlice("web-dev", "b")).isPresent();
    assertThat(book.routes()).isEmpty();
  }

  @Test
  void aSliceSeenBeforeItsServiceCountsOnceTheServiceArrives() {
    assertThat(book.upsertSlice("web-dev", "s", 1)).isEmpty();
    RouteDelta d = book.upsertService(svc("web", "dev", 8080)).orElseThrow();
    assertThat(d.upserts()).containsKey("web");
  }

  @Test
  void versionsGrowWithEveryChangeAndNothingChangesOnARepeat() {
    book.upsertService(svc("web", "dev", 8080));
    long v1 = book.upsertSlice("web-dev", "s", 1).orElseThrow().version();
    assertThat(book.upsertSlice("web-dev", "s", 1)).isEmpty();
    assertThat(book.upsertService(svc("web", "dev", 8080))).isEmpty();
    assertThat(book.version()).isEqualTo(v1);
    // more ready endpoints in a listed lane do not change the table
    assertThat(book.upsertSlice("web-dev", "s", 2)).isEmpty();
    RouteDelta d = book.upsertService(svc("web", "dev", 8081)).orElseThrow();
    assertThat(d.version()).isGreaterThan(v1);
    assertThat(d.previous()).isEqualTo(v1);
  }

  @Test
  void versionsFollowTheClockSoTheyGrowAcrossRestarts() {
    assertThat(new VersionClock(Clock.fixed(Instant.ofEpochMilli(5000), ZoneOffset.UTC)).next(0))
        .isEqualTo(5000);
    assertThat(new VersionClock(Clock.fixed(Instant.ofEpochMilli(5000), ZoneOffset.UTC)).next(7000))
        .isEqualTo(7001);
  }

  @Test
  void deletingTheLastReadyLaneRemovesTheService() {
    book.upsertService(svc("web", "dev", 8080));
    book.upsertService(svc("web", "prod", 8080));
    book.upsertSlice("web-dev", "a", 1);
    book.upsertSlice("web-prod", "b", 1);
    RouteDelta d = book.removeService("web-dev").orElseThrow();
    assertThat(d.upserts()).containsEntry("web", new RouteEntry(List.of("prod"), 8080));
    assertThat(book.removeService("web-prod").orElseThrow().removes()).containsExactly("web");
    assertThat(book.removeService("web-prod")).isEmpty();
  }

  @Test
  void relabellingAServiceMovesItFromOneAppToAnotherInOneDelta() {
    book.upsertService(new ServiceFacts("shared-dev", "shared", "dev", 80));
    book.upsertSlice("shared-dev", "s", 1);
    // a Service relabelled in place: the old app loses the lane, the new one is not routable
    RouteDelta d =
        book.upsertService(new ServiceFacts("shared-dev", "other", "dev", 80)).orElseThrow();
    assertThat(d.removes()).containsExactly("shared");
    assertThat(book.rejected()).containsEntry("shared-dev", Rejection.NAME_MISMATCH);
  }

  @Test
  void servicesThatCannotBeRoutedAreRejectedWithAReasonAndNeverListed() {
    book.upsertService(new ServiceFacts("web-dev", "web", "dev", 0));
    book.upsertService(new ServiceFacts("web-Qa", "web", "Qa", 80));
    book.upsertService(new ServiceFacts("web-1", "web", "1", 80));
    book.upsertService(new ServiceFacts("web-x", "web", null, 80));
    book.upsertService(new ServiceFacts("frontend", "web", "stage", 80));
    for (String s : List.of("web-dev", "web-Qa", "web-1", "web-x", "frontend")) {
      book.upsertSlice(s, s + "-slice", 1);
    }
    assertThat(book.routes()).isEmpty();
    assertThat(book.rejected())
        .containsEntry("web-dev", Rejection.NO_PORT)
        .containsEntry("web-Qa", Rejection.BAD_LABEL)
        .containsEntry("web-1", Rejection.BAD_LABEL)
        .containsEntry("web-x", Rejection.BAD_LABEL)
        .containsEntry("frontend", Rejection.NAME_MISMATCH);
    assertThat(book.rejectedCounts())
        .containsEntry(Rejection.BAD_LABEL, 3)
        .containsEntry(Rejection.NO_PORT, 1)
        .containsEntry(Rejection.NAME_MISMATCH, 1)
        .containsEntry(Rejection.DUPLICATE, 0);
  }

  @Test
  void aDuplicateOfAnAppAndLaneLosesToTheServiceWithTheRightName() {
    book.upsertService(svc("web", "dev", 8080));
    book.upsertSlice("web-dev", "a", 1);
    assertThat(book.upsertService(new ServiceFacts("web-dev-copy", "web", "dev", 9999))).isEmpty();
    book.upsertSlice("web-dev-copy", "b", 5);
    assertThat(book.route("web")).isEqualTo(new RouteEntry(List.of("dev"), 8080));
    assertThat(book.rejected()).containsEntry("web-dev-copy", Rejection.DUPLICATE);

    book.removeService("web-dev");
    assertThat(book.routes()).isEmpty();
    assertThat(book.rejected()).containsEntry("web-dev-copy", Rejection.NAME_MISMATCH);
    book.removeService("web-dev-copy");
    assertThat(book.rejected()).isEmpty();
  }

  @Test
  void aRejectedServiceThatIsFixedIsRouted() {
    book.upsertService(new ServiceFacts("web-dev", "web", "dev", 0));
    book.upsertSlice("web-dev", "a", 1);
    RouteDelta d = book.upsertService(svc("web", "dev", 8080)).orElseThrow();
    assertThat(d.upserts()).containsKey("web");
    assertThat(book.rejected()).isEmpty();
  }
}
