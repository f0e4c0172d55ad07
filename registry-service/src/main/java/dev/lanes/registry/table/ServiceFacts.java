package dev.lanes.registry.table;

/**
 * What the registry needs of a Service: its name, its {@code app} and {@code lane} labels, and its
 * first port ({@code 0} when it has none).
 */
public record ServiceFacts(String name, String app, String lane, int port) {

  /** The name SDKs call for {@code app} in {@code lane}. */
  public String expectedName() {
    return app + "-" + lane;
  }
}
