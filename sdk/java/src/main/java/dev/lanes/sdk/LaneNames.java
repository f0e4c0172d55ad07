package dev.lanes.sdk;

/** What a lane name may be: a DNS-1123 label, {@code ^[a-z]([a-z0-9-]*[a-z0-9])?$}, 1..63. */
public final class LaneNames {

  public static final String PROD = "prod";
  public static final int MAX_LENGTH = 63;

  private LaneNames() {}

  /**
   * Whether {@code value} is a lane name. Checked by hand rather than with a regex: it runs on
   * every routed call and must not allocate.
   */
  public static boolean isLane(String value) {
    if (value == null) {
      return false;
    }
    int n = value.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    char first = value.charAt(0);
    char last = value.charAt(n - 1);
    if (first < 'a' || first > 'z' || last == '-') {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = value.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
