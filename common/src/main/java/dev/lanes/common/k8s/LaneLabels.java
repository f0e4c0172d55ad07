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
  public static final String NAME = "app.kubernetes.io/name";
  public static final String VERSION = "app.kubernetes.io/version";
  public static final String ROLE = "lanes.dev/role";
  public static final String IMAGE_REPO = "lanes.dev/image-repo";

  /** The component of an image repo's git credential Secret in the build namespace. */
  public static final String GIT_CREDENTIALS_COMPONENT = "git-credentials";

  /** The component of an image repo's registry credential Secret in the build namespace. */
  public static final String REGISTRY_CREDENTIALS_COMPONENT = "registry-credentials";

  /** The component of an image repo's build secrets Secret in the build namespace. */
  public static final String BUILD_SECRETS_COMPONENT = "build-secrets";

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

  /** What selects every build pod: {@code app.kubernetes.io/component=build}, managed by Lanes. */
  public static LaneLabels buildPods() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(COMPONENT, "build");
    m.put(MANAGED_BY, MANAGER);
    return new LaneLabels(m);
  }

  /** Labels of the NetworkPolicy of build pods. */
  public static LaneLabels forBuildEgressPolicy() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(COMPONENT, "build-egress");
    m.put(MANAGED_BY, MANAGER);
    return new LaneLabels(m);
  }

  /** What selects the pods of an app in a lane: {@code app}, {@code lane}. */
  public static LaneLabels selector(String app, String lane) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(APP, app);
    m.put(LANE, lane);
    return new LaneLabels(m);
  }

  /** Labels of a release's Deployment, its pods and its Service. */
  public static LaneLabels forRelease(String app, String lane, String tag) {
    Map<String, String> m = new LinkedHashMap<>(selector(app, lane).map());
    m.put(NAME, app);
    if (tag != null) {
      m.put(VERSION, tag);
    }
    m.put(MANAGED_BY, MANAGER);
    return new LaneLabels(m);
  }

  /**
   * Labels of an app's base Service: no {@code lane} label, so the route registry does not take it
   * for a lane.
   */
  public static LaneLabels forBaseService(String app) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(APP, app);
    m.put(NAME, app);
    m.put(ROLE, "base");
    m.put(MANAGED_BY, MANAGER);
    return new LaneLabels(m);
  }

  /** Labels of an app's Secret of secret envs. */
  public static LaneLabels forAppSecret(String app) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(APP, app);
    m.put(NAME, app);
    m.put(MANAGED_BY, MANAGER);
    return new LaneLabels(m);
  }

  /** Labels of an image repo's Secret of git credentials in the build namespace. */
  public static LaneLabels forGitSecret(String imageRepo) {
    return forRepoSecret(imageRepo, GIT_CREDENTIALS_COMPONENT);
  }

  public static LaneLabels forRegistrySecret(String imageRepo) {
    return forRepoSecret(imageRepo, REGISTRY_CREDENTIALS_COMPONENT);
  }

  public static LaneLabels forBuildSecrets(String imageRepo) {
    return forRepoSecret(imageRepo, BUILD_SECRETS_COMPONENT);
  }

  private static LaneLabels forRepoSecret(String imageRepo, String component) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(IMAGE_REPO, imageRepo);
    m.put(COMPONENT, component);
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
