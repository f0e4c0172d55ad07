package dev.lanes.common.lanes;

import dev.lanes.common.db.Rows;
import dev.lanes.common.domain.Lane;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The columns of a lane and how a row becomes a {@link Lane}: the one mapping of {@code lanes}. */
public final class LaneRows {

  public static final String COLUMNS =
      "name, description, ttl_seconds, protected, status, created_at, updated_at";

  private LaneRows() {}

  public static Lane map(Row r) {
    Integer ttl = r.getInteger("ttl_seconds");
    Instant created = Rows.instant(r, "created_at");
    return new Lane(
        r.getString("name"),
        r.getString("description"),
        ttl,
        r.getBoolean("protected"),
        r.getString("status"),
        ttl == null ? null : created.plusSeconds(ttl),
        created,
        Rows.instant(r, "updated_at"));
  }

  public static List<Lane> all(RowSet<Row> rows) {
    List<Lane> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(map(r)));
    return out;
  }
}
