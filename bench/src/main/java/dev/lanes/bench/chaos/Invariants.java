package dev.lanes.bench.chaos;

import static org.awaitility.Awaitility.await;

import dev.lanes.bench.chaos.Command.Kind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What must hold after a chaos run, against PostgreSQL and what {@link Creations} saw in the
 * cluster: every command carried out has its effect (else it is lost), nothing was carried out or
 * created twice (doubled), nothing is left open (stuck).
 */
final class Invariants {

  /** The counts, and a line for each case. */
  record Figures(int lost, int doubled, int stuck, List<String> details) {}

  private static final String OPEN =
      "select 'build ' || id || ' ' || status from builds"
          + " where status in ('pending', 'queued', 'running')"
          + " union all select 'release ' || app || '/' || lane || ' r' || revision || ' ' || status"
          + " from releases where status in ('pending', 'progressing', 'deleting')"
          + " union all select 'lane ' || name || ' deleting' from lanes where status = 'deleting'"
          + " union all select 'outbox row ' || id || ' unpublished' from outbox"
          + " where published_at is null";

  private final Connection db;
  private final List<String> details = new ArrayList<>();

  Invariants(Connection db) {
    this.db = db;
  }

  /** Waits up to {@code timeout} until no build, release or lane is open; what still is. */
  List<String> awaitSettled(Duration timeout) {
    try {
      await("settled")
          .atMost(timeout)
          .pollInterval(Duration.ofSeconds(2))
          .ignoreExceptions()
          .until(() -> open().isEmpty());
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // reported as stuck below
    }
    try {
      return open();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  Figures check(List<Command> commands, List<String> open, Creations creations)
      throws SQLException {
    int lost = 0;
    for (Command c : commands) {
      if (c.carriedOut() && !hasEffect(c)) {
        lost++;
        details.add("lost: " + c);
      }
    }
    lost += prodRevisions(commands);
    int doubled = doubledBuilds() + doubledRevisions();
    doubled += doubles("Jobs of build", Creations.doubles(creations.jobsByBuild));
    doubled += doubles("Deployments of release", Creations.doubles(creations.deploymentsByRelease));
    open.forEach(o -> details.add("stuck: " + o));
    return new Figures(lost, doubled, open.size(), details);
  }

  private List<String> open() throws SQLException {
    return strings(OPEN);
  }

  private boolean hasEffect(Command c) throws SQLException {
    return switch (c.kind) {
      case BUILD -> exists("select 1 from builds where id = ?::uuid", c.id);
      case RELEASE, ROLLBACK ->
          exists(
              "select 1 from outbox where event_type = 'dev.lanes.release.status'"
                  + " and aggregate_id = ?"
                  + " and (payload->'message'->'data'->>'revision')::int = "
                  + c.revision,
              c.id);
      case LANE_CREATE ->
          exists(
              "select 1 from outbox where event_type = 'dev.lanes.lane.created'"
                  + " and aggregate_id = ?",
              c.lane);
      case LANE_DELETE -> !exists("select 1 from lanes where name = ?", c.lane);
    };
  }

  /**
   * Each client alone changes its app's prod release, so its revision is the number of prod
   * releases and rollbacks carried out: fewer is a lost one (counted in {@link #check}'s loop
   * already when its event is missing), more a double.
   */
  private int prodRevisions(List<Command> commands) throws SQLException {
    Map<String, Integer> expected = new HashMap<>();
    for (Command c : commands) {
      if (c.carriedOut() && c.lane.equals("prod") && c.kind != Kind.BUILD) {
        expected.merge(c.app, c.revision, Math::max);
      }
    }
    int doubledOrLost = 0;
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      List<String> r =
          strings(
              "select revision::text from releases where app = '"
                  + e.getKey()
                  + "'"
                  + " and lane = 'prod'");
      int actual = r.isEmpty() ? 0 : Integer.parseInt(r.get(0));
      if (actual != e.getValue()) {
        doubledOrLost++;
        details.add(
            (actual > e.getValue() ? "doubled" : "lost")
                + ": prod release of "
                + e.getKey()
                + " at revision "
                + actual
                + ", its client made "
                + e.getValue());
      }
    }
    return doubledOrLost;
  }

  /** Two builds of one command's branch: the platform carried a build request out twice. */
  private int doubledBuilds() throws SQLException {
    List<String> rows =
        strings(
            "select app || ' ' || git_ref || ' x' || count(*) from builds"
                + " where git_ref like 'cmd-%' group by app, git_ref having count(*) > 1");
    rows.forEach(r -> details.add("doubled build: " + r));
    return rows.size();
  }

  /** Two revisions of one release command (rollbacks copy an earlier one's envs: left out). */
  private int doubledRevisions() throws SQLException {
    List<String> rows =
        strings(
            "select release_id || ' CHAOS_CMD=' || (envs->>'CHAOS_CMD') || ' x' || count(*)"
                + " from release_revisions where cause not like 'rollback%'"
                + " and envs ? 'CHAOS_CMD' group by release_id, envs->>'CHAOS_CMD'"
                + " having count(*) > 1");
    rows.forEach(r -> details.add("doubled revision: " + r));
    return rows.size();
  }

  private int doubles(String what, Map<String, Set<String>> doubles) {
    doubles.forEach((id, uids) -> details.add("doubled: " + what + " " + id + ": " + uids));
    return doubles.size();
  }

  private boolean exists(String sql, String param) throws SQLException {
    try (PreparedStatement s = db.prepareStatement(sql)) {
      s.setString(1, param);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  private List<String> strings(String sql) throws SQLException {
    // no parameters: the "?" of jsonb's key operator would be taken for one
    try (var s = db.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      List<String> out = new ArrayList<>();
      while (r.next()) {
        out.add(r.getString(1));
      }
      return out;
    }
  }
}
