package dev.lanes.common.config;

/** Where an HTTP server listens. Port 0 asks the OS for a free port (tests). */
public record HttpConfig(String bindAddress, int port) {

  public static final ConfigKey<String> BIND_ADDRESS =
      ConfigKey.string(
          "BIND_ADDRESS", "0.0.0.0", "Interface the HTTP servers listen on (all by default).");
}
