package dev.lanes.common.builds;

import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.Build;
import dev.lanes.common.domain.BuildReason;
import dev.lanes.common.domain.BuildStatus;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.List;

/** The columns of a build and how a row becomes a {@link Build}. */
public final class BuildRows {

  public static final String COLUMNS =
      "id, app, image_repo, git_ref, commit, tag, image, digest, status, reason, message,"
          + " job_name, created_at, started_at, finished_at, reused_from";

  private BuildRows() {}

  public static Build map(Row r) {
    return new Build(
        r.getUUID("id"),
        r.getString("app"),
        r.getString("image_repo"),
        r.getString("git_ref"),
        r.getString("commit"),
        r.getString("tag"),
        r.getString("image"),
        r.getString("digest"),
        BuildStatus.of(r.getString("status")),
        BuildReason.of(r.getString("reason")),
        r.getString("message"),
        r.getString("job_name"),
        Rows.instant(r, "created_at"),
        Rows.instant(r, "started_at"),
        Rows.instant(r, "finished_at"),
        r.getUUID("reused_from"));
  }

  public static List<Build> all(RowSet<Row> rows) {
    List<Build> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }
}
