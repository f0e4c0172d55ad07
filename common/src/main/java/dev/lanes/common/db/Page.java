package dev.lanes.common.db;

import java.util.List;

/**
 * One page of a list ordered by name.
 *
 * @param nextAfter the last name on this page when more follow, else {@code null}
 */
public record Page<T>(List<T> items, String nextAfter) {

  /** Cuts {@code rows} (fetched with {@code limit + 1}) to a page. */
  public static <T> Page<T> of(
      List<T> rows, int limit, java.util.function.Function<T, String> key) {
    if (rows.size() <= limit) {
      return new Page<>(rows, null);
    }
    List<T> items = rows.subList(0, limit);
    return new Page<>(List.copyOf(items), key.apply(items.get(limit - 1)));
  }
}
