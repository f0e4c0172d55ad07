package dev.lanes.registry.table;

/** Why a Service labelled {@code app} and {@code lane} is not routed to. */
public enum Rejection {
  /** It has no ports: there is nothing to call. */
  NO_PORT,
  /**
   * Its {@code app} or {@code lane} label is not a DNS-1123 label, so no host name can carry it.
   */
  BAD_LABEL,
  /** It is not named {@code {app}-{lane}}, the host name SDKs call. */
  NAME_MISMATCH,
  /** Another Service, named {@code {app}-{lane}}, has the same labels and wins. */
  DUPLICATE;

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
