package dev.lanes.common.releases;

import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.Release;
import dev.lanes.common.domain.ReleaseReason;
import dev.lanes.common.domain.ReleaseStatus;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;

/** The columns of a release and how a row becomes a {@link Release}. */
public final class ReleaseRows {

  public static final String COLUMNS =
      "id, app, lane, tag, image, replicas, envs, revision, status, reason, message, deployment,"
          + " service, created_at, updated_at";

  private ReleaseRows() {}

  public static Release map(Row r) {
    return new Release(
        r.getUUID("id"),
        r.getString("app"),
        r.getString("lane"),
        r.getString("tag"),
        r.getString("image"),
        r.getInteger("replicas"),
        Rows.stringMap(r, "envs"),
        r.getInteger("revision"),
        ReleaseStatus.of(r.getString("status")),
        ReleaseReason.of(r.getString("reason")),
        r.getString("message"),
        r.getString("deployment"),
        r.getString("service"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "updated_at"));
  }

  public static List<Release> all(RowSet<Row> rows) {
    List<Release> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }
}
