package dev.lanes.common.k8s;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The labels of objects Lanes creates. Every such object carries {@code
 * app.kubernetes.io/managed-by=lanes}; Lanes never changes or deletes an object without it.
 */
public record LaneLabels(Map<String, String> map) {

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGER = "lanes";
  public static final String APP = "app";
  public static final String LANE = "lane";
  public static final String BUILD_ID = "lanes.dev/build-id";
  public static final String COMPONENT = "app.kubernetes.io/component";

  public LaneLabels {
    map = Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** Labels of a build Job and its Pod. */
  public static LaneLabels forBuild(String app, UUID buildId) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(APP, app);
    m.put(BUILD_ID, buildId.toString());
    m.put(COMPONENT, "build");
    m.put(MANAGED_BY, MANAGER);
    return new LaneLabels(m);
  }

  /** Whether an object with these labels is one Lanes may change or delete. */
  public static boolean isManaged(Map<String, String> labels) {
    return labels != null && MANAGER.equals(labels.get(MANAGED_BY));
  }

  public Map<String, String> toMap() {
    return map;
  }
}
