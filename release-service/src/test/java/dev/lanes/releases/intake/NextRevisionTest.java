package dev.lanes.releases.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseStatus;
import dev.lanes.common.error.ClientError;
import dev.lanes.common.error.ErrorCode;
import dev.lanes.common.releases.ReleaseRequest;
import dev.lanes.common.releases.Revision;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NextRevisionTest {

  private static final int APP_REPLICAS = 3;

  @Test
  void aNewReleaseTakesTheRequestedTagAndTheAppsReplicas() {
    NextRevision next = NextRevision.of(null, request("abc1234", null, null, false), APP_REPLICAS);

    assertThat(next.tag()).isEqualTo("abc1234");
    assertThat(next.replicas()).isEqualTo(APP_REPLICAS);
    assertThat(next.envs()).isEmpty();
    assertThat(next.cause()).isEqualTo("release");
    assertThat(next.image()).as("found from the tag later").isNull();
  }

  @Test
  void aNewReleaseWithoutATagIsRefusedNamingTheField() {
    assertThatThrownBy(() -> NextRevision.of(null, request(null, 2, null, false), APP_REPLICAS))
        .isInstanceOfSatisfying(
            ClientError.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
              assertThat(e.getMessage()).isEqualTo("tag: is required for a new release");
            });
  }

  @Test
  void aChangeKeepsWhatTheRequestLeavesOut() {
    Release current = current("abc1234", 2, Map.of("A", "1"));

    NextRevision next = NextRevision.of(current, request(null, null, null, false), APP_REPLICAS);

    assertThat(next.tag()).isEqualTo("abc1234");
    assertThat(next.replicas()).as("the release's, not the app's default").isEqualTo(2);
    assertThat(next.envs()).isEqualTo(Map.of("A", "1"));
    assertThat(next.cause()).isEqualTo("change");
  }

  @Test
  void envsMergeKeyByKeyAndANullValueRemovesItsKey() {
    Release current = current("abc1234", 2, Map.of("A", "1", "B", "2"));
    Map<String, String> changes = new HashMap<>();
    changes.put("B", null);
    changes.put("C", "3");

    NextRevision next =
        NextRevision.of(current, request("def5678", 4, changes, false), APP_REPLICAS);

    assertThat(next.envs()).isEqualTo(Map.of("A", "1", "C", "3"));
    assertThat(next.tag()).isEqualTo("def5678");
    assertThat(next.replicas()).isEqualTo(4);
  }

  @Test
  void clearingEnvsStartsFromNoneBeforeTheChangesApply() {
    Release current = current("abc1234", 2, Map.of("A", "1"));

    NextRevision cleared =
        NextRevision.of(current, request(null, null, Map.of("C", "3"), true), APP_REPLICAS);

    assertThat(cleared.envs()).isEqualTo(Map.of("C", "3"));
  }

  @Test
  void aRollbackIsTheTargetRevisionExactlyImageIncluded() {
    Revision target =
        new Revision(2, "old1234", "r/web@sha256:aa", 5, Map.of("X", "y"), "change", Instant.EPOCH);

    NextRevision next = NextRevision.rollbackTo(target);

    assertThat(next)
        .isEqualTo(
            new NextRevision(
                "old1234", "r/web@sha256:aa", 5, Map.of("X", "y"), "rollback to revision 2"));
  }

  private static ReleaseRequest request(
      String tag, Integer replicas, Map<String, String> envs, boolean clearEnvs) {
    return new ReleaseRequest("web", "dev", tag, replicas, envs, clearEnvs);
  }

  private static Release current(String tag, int replicas, Map<String, String> envs) {
    return new Release(
        UUID.randomUUID(),
        "web",
        "dev",
        tag,
        "r/web:" + tag,
        replicas,
        envs,
        7,
        ReleaseStatus.DEPLOYED,
        null,
        null,
        "web-dev",
        "web-dev",
        Instant.EPOCH,
        Instant.EPOCH);
  }
}
