package dev.lanes.registry.http;

import dev.lanes.registry.table.RouteDelta;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The last deltas, so that a subscriber that reconnects with {@code Last-Event-ID} gets only what
 * it missed instead of the whole table.
 */
final class RouteHistory {

  private final int capacity;
  private final ArrayDeque<RouteDelta> deltas;

  RouteHistory(int capacity) {
    this.capacity = capacity;
    this.deltas = new ArrayDeque<>(capacity);
  }

  void add(RouteDelta delta) {
    if (deltas.size() == capacity) {
      deltas.removeFirst();
    }
    deltas.addLast(delta);
  }

  /**
   * The deltas that follow version {@code seen}, oldest first; {@code null} when they are no longer
   * held (or {@code seen} was never a version here), and the subscriber needs a snapshot.
   */
  List<RouteDelta> after(long seen) {
    List<RouteDelta> out = null;
    Iterator<RouteDelta> it = deltas.iterator();
    while (it.hasNext()) {
      RouteDelta d = it.next();
      if (out == null && d.previous() == seen) {
        out = new ArrayList<>();
      }
      if (out != null) {
        out.add(d);
      }
    }
    return out;
  }
}
